// net.cidr_* builtins over IPv4/IPv6 addresses as BigInts.
import type { HostBuiltins } from './index.js';
import { arr, isObj, setOf, str, type Value } from './values.js';

interface Net {
  readonly v6: boolean;
  readonly base: bigint;
  readonly bits: number;
}

function parseV4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255 || (p.length > 1 && p.startsWith('0'))) return null;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseV6(s: string): bigint | null {
  let text = s;
  let tail: bigint[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [v4 >> 16n, v4 & 0xffffn];
    text = text.slice(0, lastColon + 1) + '0';
    tail.length = 2;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string) => (h === '' ? [] : h.split(':'));
  const head = parse(halves[0] as string);
  const rest = halves.length === 2 ? parse(halves[1] as string) : [];
  let groups = [...head, ...rest];
  if (tail.length) groups = groups.slice(0, -1);
  const need = 8 - tail.length;
  if (halves.length === 1 && groups.length !== need) return null;
  if (halves.length === 2 && groups.length >= need) return null;
  const fill = new Array<string>(need - groups.length).fill('0');
  const all = halves.length === 2 ? [...head, ...fill, ...rest] : groups;
  const words = (tail.length ? all.slice(0, need) : all).map((g) => (/^[0-9a-fA-F]{1,4}$/.test(g) ? BigInt(parseInt(g, 16)) : null));
  if (words.some((w) => w === null)) return null;
  return [...(words as bigint[]), ...tail].reduce((acc, w) => (acc << 16n) | w, 0n);
}

function parseIp(s: string): { v6: boolean; addr: bigint } | null {
  const v4 = parseV4(s);
  if (v4 !== null) return { v6: false, addr: v4 };
  const v6 = s.includes(':') ? parseV6(s) : null;
  return v6 === null ? null : { v6: true, addr: v6 };
}

function width(v6: boolean): number {
  return v6 ? 128 : 32;
}

function mask(v6: boolean, bits: number): bigint {
  const w = BigInt(width(v6));
  return ((1n << w) - 1n) ^ ((1n << (w - BigInt(bits))) - 1n);
}

/** A CIDR, or with `allowIp` a bare address as a full-length prefix. */
function parseNet(s: string, allowIp: boolean): Net {
  const slash = s.indexOf('/');
  if (slash < 0) {
    const ip = allowIp ? parseIp(s) : null;
    if (!ip) throw new SyntaxError(`invalid CIDR ${s}`);
    return { v6: ip.v6, base: ip.addr, bits: width(ip.v6) };
  }
  const ip = parseIp(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(bitsText) || Number(bitsText) > width(ip.v6)) throw new SyntaxError(`invalid CIDR ${s}`);
  const bits = Number(bitsText);
  return { v6: ip.v6, base: ip.addr & mask(ip.v6, bits), bits };
}

function contains(outer: Net, inner: Net): boolean {
  return outer.v6 === inner.v6 && inner.bits >= outer.bits && (inner.base & mask(outer.v6, outer.bits)) === outer.base;
}

function formatIp(v6: boolean, addr: bigint): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((addr >> s) & 255n)).join('.');
  const words = Array.from({ length: 8 }, (_, i) => Number((addr >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function formatNet(n: Net): string {
  return `${formatIp(n.v6, n.base)}/${n.bits}`;
}

/** Entries of a string/array/set/object argument: [key, cidr text]; object values may be [cidr, ...]. */
function entries(v: unknown): [Value, string][] {
  if (typeof v === 'string') return [[v, v]];
  if (isObj(v)) return Object.entries(v).map(([k, x]) => [k, str(Array.isArray(x) ? x[0] : x)]);
  return arr(v).map((x, i) => [i, str(Array.isArray(x) ? x[0] : x)]);
}

function merge(nets: Net[]): Net[] {
  let list = [...nets].sort((a, b) => Number(a.v6) - Number(b.v6) || (a.base < b.base ? -1 : a.base > b.base ? 1 : a.bits - b.bits));
  for (let changed = true; changed; ) {
    changed = false;
    const out: Net[] = [];
    for (const n of list) {
      const last = out[out.length - 1];
      if (last && contains(last, n)) { changed = true; continue; }
      if (last && last.v6 === n.v6 && last.bits === n.bits && last.bits > 0) {
        const parentBits = last.bits - 1;
        const parent = { v6: n.v6, base: last.base & mask(n.v6, parentBits), bits: parentBits };
        if (contains(parent, n) && parent.base === last.base) { out[out.length - 1] = parent; changed = true; continue; }
      }
      out.push(n);
    }
    list = out;
  }
  return list;
}

/** cidr_merge takes bare IPv4 addresses with Go's classful default mask; bare IPv6 is an error. */
function mergeInput(s: string): Net {
  if (s.includes('/')) return parseNet(s, false);
  const v4 = parseV4(s);
  if (v4 === null) throw new SyntaxError(`invalid address ${s}`);
  const first = Number(v4 >> 24n);
  const bits = first < 128 ? 8 : first < 192 ? 16 : 24;
  return { v6: false, base: v4 & mask(false, bits), bits };
}

export const netBuiltins: HostBuiltins = {
  'net.cidr_is_valid': (s) => {
    try {
      parseNet(str(s), false);
      return true;
    } catch {
      return false;
    }
  },
  'net.cidr_intersects': (a, b) => {
    const x = parseNet(str(a), false);
    const y = parseNet(str(b), false);
    return contains(x, y) || contains(y, x);
  },
  'net.cidr_contains_matches': (a, b) => {
    const out: Value[] = [];
    for (const [ka, ca] of entries(a)) {
      const outer = parseNet(ca, true);
      for (const [kb, cb] of entries(b)) if (contains(outer, parseNet(cb, true))) out.push([ka, kb]);
    }
    return setOf(out);
  },
  'net.cidr_expand': (s) => {
    const n = parseNet(str(s), false);
    const size = 1n << BigInt(width(n.v6) - n.bits);
    if (size > 65536n) throw new RangeError('CIDR too large to expand');
    const out: string[] = [];
    for (let i = 0n; i < size; i++) out.push(formatIp(n.v6, n.base + i));
    return setOf(out);
  },
  'net.cidr_merge': (xs) => merge(arr(xs).map((x) => mergeInput(str(x)))).map(formatNet),
};
