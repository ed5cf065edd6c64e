// count, sum, product, max, min, sort, all, any.
import { BuiltinError } from '../../value/errors.js';
import { numAdd, numMul, RNumber } from '../../value/number.js';
import { compare, RObject, RSet, typeName, type Value } from '../../value/value.js';
import { elems, num } from './check.js';
import type { BuiltinDef } from './types.js';

function count([v]: Value[]): Value {
  if (typeof v === 'string') return RNumber.int([...v].length);
  if (Array.isArray(v)) return RNumber.int(v.length);
  if (v instanceof RObject || v instanceof RSet) return RNumber.int(v.size);
  throw new BuiltinError('count', `operand 1 must be one of {array, object, set, string} but got ${typeName(v ?? null)}`);
}

const fold = (name: string, start: RNumber, op: typeof numAdd): BuiltinDef => ({
  name,
  arity: 1,
  impl: ([v]) => {
    let acc: RNumber | undefined = start;
    for (const x of elems(name, v, 1)) {
      acc = op(acc as RNumber, num(name, x, 1));
      if (acc === undefined) return undefined;
    }
    return acc;
  },
});

const extreme = (name: string, sign: number): BuiltinDef => ({
  name,
  arity: 1,
  impl: ([v]) => {
    const xs = elems(name, v, 1);
    if (xs.length === 0) return undefined;
    return xs.reduce((a, b) => (compare(b, a) * sign > 0 ? b : a));
  },
});

export const aggregateBuiltins: BuiltinDef[] = [
  { name: 'count', arity: 1, impl: count },
  fold('sum', RNumber.int(0), numAdd),
  fold('product', RNumber.int(1), numMul),
  extreme('max', 1),
  extreme('min', -1),
  { name: 'sort', arity: 1, impl: ([v]) => [...elems('sort', v, 1)].sort(compare) },
  { name: 'all', arity: 1, impl: ([v]) => elems('all', v, 1).every((x) => x === true) },
  { name: 'any', arity: 1, impl: ([v]) => elems('any', v, 1).some((x) => x === true) },
];
