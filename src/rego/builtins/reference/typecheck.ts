// is_string, is_number, ..., type_name.
import { typeName, type Value } from '../../value/value.js';
import type { BuiltinDef } from './types.js';

const is = (t: string): BuiltinDef => ({
  name: `is_${t}`,
  arity: 1,
  impl: ([v]) => typeName(v ?? null) === t,
});

export const typeBuiltins: BuiltinDef[] = [
  ...['string', 'number', 'boolean', 'array', 'set', 'object', 'null'].map(is),
  { name: 'type_name', arity: 1, impl: ([v]: Value[]) => typeName(v ?? null) },
];
