// net.cidr_contains / cidr_intersects / cidr_is_valid for IPv4 and IPv6, on bigint addresses.
import { BuiltinError } from '../../value/errors.js';
import { isIP } from 'node:net';
import { str } from './check.js';
import type { BuiltinDef } from './types.js';

interface Net {
  readonly v6: boolean;
  readonly base: bigint;
  readonly bits: number;
}

function ipToBig(ip: string): { v6: boolean; n: bigint } | undefined {
  const kind = isIP(ip);
  if (kind === 4) return { v6: false, n: ip.split('.').reduce((a, p) => (a << 8n) | BigInt(Number(p)), 0n) };
  if (kind !== 6) return undefined;
  let s = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = ipToBig(v4[1] as string)?.n ?? 0n;
    s = s.slice(0, -(v4[1] as string).length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [l, r] = s.split('::') as [string, string | undefined];
  const left = l === '' ? [] : l.split(':');
  const right = r === undefined || r === '' ? [] : r.split(':');
  const groups = r === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return { v6: true, n: groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

function parseNet(name: string, s: string, allowBare: boolean): Net {
  const [ip, len] = s.split('/') as [string, string | undefined];
  const addr = ipToBig(ip);
  if (addr === undefined || (len === undefined && !allowBare)) throw new BuiltinError(name, `invalid CIDR address: ${s}`);
  const max = addr.v6 ? 128 : 32;
  const bits = len === undefined ? max : Number(len);
  if (!/^\d+$/.test(len ?? String(max)) || bits > max) throw new BuiltinError(name, `invalid CIDR address: ${s}`);
  const mask = ((1n << BigInt(max)) - 1n) ^ ((1n << BigInt(max - bits)) - 1n);
  return { v6: addr.v6, base: addr.n & mask, bits };
}

function last(n: Net): bigint {
  const max = n.v6 ? 128 : 32;
  return n.base | ((1n << BigInt(max - n.bits)) - 1n);
}

export const netBuiltins: BuiltinDef[] = [
  {
    name: 'net.cidr_contains',
    arity: 2,
    impl: ([c, x]) => {
      const outer = parseNet('net.cidr_contains', str('net.cidr_contains', c, 1), false);
      const inner = parseNet('net.cidr_contains', str('net.cidr_contains', x, 2), true);
      if (outer.v6 !== inner.v6) return false;
      return inner.base >= outer.base && last(inner) <= last(outer);
    },
  },
  {
    name: 'net.cidr_intersects',
    arity: 2,
    impl: ([a, b]) => {
      const x = parseNet('net.cidr_intersects', str('net.cidr_intersects', a, 1), false);
      const y = parseNet('net.cidr_intersects', str('net.cidr_intersects', b, 2), false);
      if (x.v6 !== y.v6) return false;
      return x.base <= last(y) && y.base <= last(x);
    },
  },
  {
    name: 'net.cidr_is_valid',
    arity: 1,
    impl: ([a]) => {
      if (typeof a !== 'string') return false;
      try {
        parseNet('net.cidr_is_valid', a, false);
        return true;
      } catch {
        return false;
      }
    },
  },
];
