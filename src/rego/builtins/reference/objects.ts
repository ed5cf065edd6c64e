// object.get, object.keys, object.remove, object.union(_n), object.filter, object.subset.
import { BuiltinError } from '../../value/errors.js';
import { dot } from '../../value/ops.js';
import { equal, RObject, RSet, setOf, type Value } from '../../value/value.js';
import { arr, elems, obj } from './check.js';
import type { BuiltinDef } from './types.js';

function keySet(name: string, v: Value | undefined): Value[] {
  if (v instanceof RObject) return v.keys();
  return elems(name, v, 2);
}

function unionObj(a: RObject, b: RObject): RObject {
  const out = a.copy();
  for (const [k, v] of b.sortedEntries()) {
    const cur = out.get(k);
    out.set(k, cur instanceof RObject && v instanceof RObject ? unionObj(cur, v) : v);
  }
  return out;
}

function isSubset(sup: Value, sub: Value): boolean {
  if (sup instanceof RObject && sub instanceof RObject) {
    return sub.sortedEntries().every(([k, v]) => {
      const s = sup.get(k);
      return s !== undefined && isSubset(s, v);
    });
  }
  if (sup instanceof RSet && sub instanceof RSet) return sub.sorted().every((v) => sup.has(v));
  if (Array.isArray(sup) && Array.isArray(sub)) {
    if (sub.length === 0) return true;
    for (let i = 0; i + sub.length <= sup.length; i++) {
      if (sub.every((v, j) => equal(sup[i + j] as Value, v))) return true;
    }
    return false;
  }
  if (sup instanceof RSet && Array.isArray(sub)) return sub.every((v) => sup.has(v));
  return equal(sup, sub);
}

export const objectBuiltins: BuiltinDef[] = [
  {
    name: 'object.get',
    arity: 3,
    impl: ([o, k, d]) => {
      const src = obj('object.get', o, 1);
      if (Array.isArray(k)) {
        let cur: Value | undefined = src;
        for (const seg of k) {
          cur = cur === undefined ? undefined : dot(cur, seg);
          if (cur === undefined) return d;
        }
        return cur;
      }
      return src.get(k ?? null) ?? d;
    },
  },
  { name: 'object.keys', arity: 1, impl: ([o]) => setOf(obj('object.keys', o, 1).keys()) },
  {
    name: 'object.remove',
    arity: 2,
    impl: ([o, ks]) => {
      const out = obj('object.remove', o, 1).copy();
      for (const k of keySet('object.remove', ks)) out.delete(k);
      return out;
    },
  },
  {
    name: 'object.filter',
    arity: 2,
    impl: ([o, ks]) => {
      const src = obj('object.filter', o, 1);
      const out = new RObject();
      for (const k of keySet('object.filter', ks)) {
        const v = src.get(k);
        if (v !== undefined) out.set(k, v);
      }
      return out;
    },
  },
  { name: 'object.union', arity: 2, impl: ([a, b]) => unionObj(obj('object.union', a, 1), obj('object.union', b, 2)) },
  {
    name: 'object.union_n',
    arity: 1,
    impl: ([xs]) => arr('object.union_n', xs, 1).reduce<RObject>((acc, o) => unionObj(acc, obj('object.union_n', o, 1)), new RObject()),
  },
  {
    name: 'object.subset',
    arity: 2,
    impl: ([a, b]) => {
      const ok = (v: Value | undefined): boolean => v instanceof RObject || v instanceof RSet || Array.isArray(v);
      if (!ok(a) || !ok(b)) throw new BuiltinError('object.subset', 'operands must be objects, sets or arrays');
      return isSubset(a as Value, b as Value);
    },
  },
];
