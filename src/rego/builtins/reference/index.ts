// The reference interpreter's own builtin implementations, over its value model (exact decimals,
// sets): one table built from the per-family files. The registry (../registry.ts) decides when
// they run; builtins without one here reach the host implementations through ../host-bridge.ts.
import { aggregateBuiltins } from './aggregates.js';
import { arithmeticBuiltins } from './arithmetic.js';
import { arrayBuiltins } from './arrays.js';
import { bitBuiltins } from './bits.js';
import { collectionBuiltins } from './collections.js';
import { cryptoBuiltins } from './crypto.js';
import { unitBuiltins } from './units.js';
import { comparisonBuiltins } from './comparison.js';
import { encodingBuiltins } from './encoding.js';
import { globBuiltins } from './glob.js';
import { memberBuiltins } from './member.js';
import { netBuiltins } from './net.js';
import { objectBuiltins } from './objects.js';
import { regexBuiltins } from './regex.js';
import { setBuiltins } from './sets.js';
import { stringBuiltins } from './strings.js';
import { timeBuiltins } from './time.js';
import { typeBuiltins } from './typecheck.js';
import type { BuiltinDef } from './types.js';

export type { BuiltinDef, BuiltinContext, BuiltinImpl } from './types.js';

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

/** The reference implementation of a builtin, if the interpreter has its own. */
export function referenceBuiltin(name: string): BuiltinDef | undefined {
  return table.get(name);
}

export function referenceBuiltinNames(): string[] {
  return [...table.keys()];
}
