// Numeric builtins over exact integers (BigInt) where Rego needs them.
import type { HostBuiltins } from './index.js';
import { int, num } from './values.js';

function big(v: unknown): bigint {
  return BigInt(int(v));
}

function range(a: number, b: number, step: number): number[] {
  if (step <= 0) throw new RangeError('step must be positive');
  const out: number[] = [];
  const limit = 1_000_000;
  if (a <= b) for (let x = a; x <= b && out.length < limit; x += step) out.push(x);
  else for (let x = a; x >= b && out.length < limit; x -= step) out.push(x);
  if (out.length >= limit) throw new RangeError('range too large');
  return out;
}

function asNumber(v: bigint): number | ArrayBuffer {
  if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return new TextEncoder().encode(v.toString()).buffer as ArrayBuffer;
}

export const numberBuiltins: HostBuiltins = {
  'numbers.range': (a, b) => range(int(a), int(b), 1),
  'numbers.range_step': (a, b, s) => range(int(a), int(b), int(s)),
  'bits.and': (a, b) => asNumber(big(a) & big(b)),
  'bits.or': (a, b) => asNumber(big(a) | big(b)),
  'bits.xor': (a, b) => asNumber(big(a) ^ big(b)),
  'bits.negate': (a) => asNumber(~big(a)),
  'bits.lsh': (a, b) => {
    if (int(b) < 0) throw new RangeError('negative shift');
    return asNumber(big(a) << big(b));
  },
  'bits.rsh': (a, b) => {
    if (int(b) < 0) throw new RangeError('negative shift');
    return asNumber(big(a) >> big(b));
  },
  'numbers.abs': (x) => Math.abs(num(x)),
};
