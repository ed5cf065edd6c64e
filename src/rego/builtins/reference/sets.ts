// Set algebra: `&`, `|`, intersection() and union() over sets of sets.
import { RSet, type Value } from '../../value/value.js';
import { set } from './check.js';
import type { BuiltinDef } from './types.js';

function inter(a: RSet, b: RSet): RSet {
  const out = new RSet();
  for (const v of a.sorted()) if (b.has(v)) out.add(v);
  return out;
}

function union(sets: RSet[]): RSet {
  const out = new RSet();
  for (const s of sets) for (const v of s.sorted()) out.add(v);
  return out;
}

function setsOf(name: string, v: Value | undefined): RSet[] {
  return set(name, v, 1).sorted().map((x) => set(name, x, 1));
}

export const setBuiltins: BuiltinDef[] = [
  { name: 'and', arity: 2, impl: ([a, b]) => inter(set('and', a, 1), set('and', b, 2)) },
  { name: 'or', arity: 2, impl: ([a, b]) => union([set('or', a, 1), set('or', b, 2)]) },
  {
    name: 'intersection',
    arity: 1,
    impl: ([a]) => {
      const sets = setsOf('intersection', a);
      const [first, ...rest] = sets;
      return first === undefined ? new RSet() : rest.reduce(inter, first);
    },
  },
  { name: 'union', arity: 1, impl: ([a]) => union(setsOf('union', a)) },
];
