// `x in xs` and `k, v in xs`, which the parser desugars to internal.member_2/_3.
import { equal, RObject, RSet, type Value } from '../../value/value.js';
import { dot } from '../../value/ops.js';
import type { BuiltinDef } from './types.js';

function member2(x: Value, c: Value): boolean {
  if (Array.isArray(c)) return c.some((v) => equal(v, x));
  if (c instanceof RSet) return c.has(x);
  if (c instanceof RObject) return c.sortedEntries().some(([, v]) => equal(v, x));
  return false;
}

export const memberBuiltins: BuiltinDef[] = [
  { name: 'internal.member_2', arity: 2, impl: ([x, c]) => member2(x ?? null, c ?? null) },
  {
    name: 'internal.member_3',
    arity: 3,
    impl: ([k, v, c]) => {
      if (c instanceof RSet || !(Array.isArray(c) || c instanceof RObject)) return false;
      const got = dot(c, k ?? null);
      return got !== undefined && equal(got, v ?? null);
    },
  },
];
