// array.concat, array.slice, array.reverse.
import { arr, int } from './check.js';
import type { BuiltinDef } from './types.js';

export const arrayBuiltins: BuiltinDef[] = [
  { name: 'array.concat', arity: 2, impl: ([a, b]) => [...arr('array.concat', a, 1), ...arr('array.concat', b, 2)] },
  {
    name: 'array.slice',
    arity: 3,
    impl: ([a, s, e]) => {
      const xs = arr('array.slice', a, 1);
      let from = Math.max(0, int('array.slice', s, 2));
      const to = Math.min(xs.length, int('array.slice', e, 3));
      if (from > to) from = to;
      return xs.slice(from, to);
    },
  },
  { name: 'array.reverse', arity: 1, impl: ([a]) => [...arr('array.reverse', a, 1)].reverse() },
];
