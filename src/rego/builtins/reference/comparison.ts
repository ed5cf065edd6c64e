// equal, neq, lt, ...: Rego's total order over any two values.
import { compare } from '../../value/value.js';
import type { BuiltinDef } from './types.js';

const cmp = (name: string, ok: (c: number) => boolean): BuiltinDef => ({
  name,
  arity: 2,
  impl: ([a, b]) => ok(compare(a ?? null, b ?? null)),
});

export const comparisonBuiltins: BuiltinDef[] = [
  cmp('equal', (c) => c === 0),
  cmp('neq', (c) => c !== 0),
  cmp('lt', (c) => c < 0),
  cmp('lte', (c) => c <= 0),
  cmp('gt', (c) => c > 0),
  cmp('gte', (c) => c >= 0),
];
