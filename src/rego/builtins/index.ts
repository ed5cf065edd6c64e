// The builtin registry: one table built from the per-family files.
import { aggregateBuiltins } from './reference/aggregates.js';
import { arithmeticBuiltins } from './reference/arithmetic.js';
import { arrayBuiltins } from './reference/arrays.js';
import { bitBuiltins } from './reference/bits.js';
import { collectionBuiltins } from './reference/collections.js';
import { cryptoBuiltins } from './reference/crypto.js';
import { unitBuiltins } from './reference/units.js';
import { comparisonBuiltins } from './reference/comparison.js';
import { encodingBuiltins } from './reference/encoding.js';
import { globBuiltins } from './reference/glob.js';
import { memberBuiltins } from './reference/member.js';
import { netBuiltins } from './reference/net.js';
import { objectBuiltins } from './reference/objects.js';
import { regexBuiltins } from './reference/regex.js';
import { setBuiltins } from './reference/sets.js';
import { stringBuiltins } from './reference/strings.js';
import { timeBuiltins } from './reference/time.js';
import { typeBuiltins } from './reference/typecheck.js';
import type { BuiltinDef } from './reference/types.js';
import { hostFallback } from './host-bridge.js';

export type { BuiltinDef, BuiltinContext, BuiltinImpl } from './reference/types.js';

const table = new Map<string, BuiltinDef>();
for (const family of [
  aggregateBuiltins,
  arithmeticBuiltins,
  arrayBuiltins,
  bitBuiltins,
  collectionBuiltins,
  cryptoBuiltins,
  unitBuiltins,
  comparisonBuiltins,
  encodingBuiltins,
  globBuiltins,
  memberBuiltins,
  netBuiltins,
  objectBuiltins,
  regexBuiltins,
  setBuiltins,
  stringBuiltins,
  timeBuiltins,
  typeBuiltins,
]) {
  for (const b of family) table.set(b.name, b);
}

export function lookupBuiltin(name: string): BuiltinDef | undefined {
  return table.get(name);
}

/** Our implementation, else the Wasm target's host builtin (see host-fallback.ts). */
export function lookupBuiltinOrHost(name: string): BuiltinDef | undefined {
  const own = table.get(name);
  if (own !== undefined) return own;
  const host = hostFallback(name);
  if (host !== undefined) table.set(name, host);
  return host;
}

export function builtinNames(): string[] {
  return [...table.keys()];
}
