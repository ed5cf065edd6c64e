// Builtins we have no value-model implementation for fall back to the host builtins the Wasm
// target uses (src/rego/host): they see JSON, exactly as under the SDK, so the interpreter and
// the Wasm target agree on them by construction.
import { hostBuiltins, type HostBuiltins } from '../host/index.js';
import { parseJSONValue } from '../ir/interp/json.js';
import { fromJS, toJS, type Value } from '../ir/interp/value.js';
import type { BuiltinDef } from './types.js';

let table: HostBuiltins | undefined;

function decode(r: unknown): Value | undefined {
  if (r === undefined) return undefined;
  if (r instanceof ArrayBuffer) return parseJSONValue(new TextDecoder().decode(r));
  if (r instanceof Uint8Array) return parseJSONValue(new TextDecoder().decode(r));
  return fromJS(r);
}

export function hostFallback(name: string): BuiltinDef | undefined {
  table ??= hostBuiltins();
  const fn = table[name];
  if (fn === undefined) return undefined;
  return { name, arity: -1, impl: (args) => decode(fn(...args.map(toJS))) };
}
