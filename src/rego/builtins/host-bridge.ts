// Builtins we have no value-model implementation for fall back to the host builtins the Wasm
// target uses (builtins/host/): they see JSON, exactly as under the SDK, so the interpreter and
// the Wasm target agree on them by construction.
import { hostBuiltins, type HostBuiltins } from './host/index.js';
import { parseJSONValue } from '../value/json.js';
import { parseRegoText, type Term } from './host/rego-text.js';
import { builtinOfHostKey, hostImportName, TEXT_ARGUMENT_BUILTINS, TEXT_RESULT_BUILTINS } from './host-abi.js';
import { fromJS, objectOf, RNumber, RObject, setOf, toJS, type Value } from '../value/value.js';
import type { BuiltinDef } from './reference/types.js';

let table: HostBuiltins | undefined;

function decode(r: unknown): Value | undefined {
  if (r === undefined) return undefined;
  if (r instanceof ArrayBuffer) return parseJSONValue(new TextDecoder().decode(r));
  if (r instanceof Uint8Array) return parseJSONValue(new TextDecoder().decode(r));
  return fromJS(r);
}

/** A text-result builtin's answer (Rego value text) as a value, sets included. */
function fromRegoText(t: Term): Value {
  switch (t.t) {
    case 'scalar':
      return typeof t.value === 'number' ? parseJSONValue(t.text) : t.value;
    case 'array':
      return t.items.map(fromRegoText);
    case 'set':
      return setOf(t.items.map(fromRegoText));
    case 'object':
      return objectOf(t.entries.map(([k, v]): [Value, Value] => [fromRegoText(k), fromRegoText(v)]));
  }
}

/** Rego value text, as the Wasm backend hands it to text-argument builtins (sets stay sets). */
function regoText(v: Value): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof RNumber) return v.toString();
  if (Array.isArray(v)) return `[${v.map(regoText).join(',')}]`;
  if (v instanceof RObject) return `{${v.sortedEntries().map(([k, x]) => `${regoText(k)}:${regoText(x)}`).join(',')}}`;
  const items = v.sorted();
  return items.length === 0 ? 'set()' : `{${items.map(regoText).join(',')}}`;
}

/** The builtins the host implements. */
export function hostBuiltinNames(): string[] {
  table ??= hostBuiltins();
  return Object.keys(table).map(builtinOfHostKey);
}

/** The host implementation of a builtin, adapted to the interpreter's values, if there is one. */
export function viaHost(name: string): BuiltinDef | undefined {
  table ??= hostBuiltins();
  const fn = table[hostImportName(name)];
  if (fn === undefined) return undefined;
  const asText = TEXT_ARGUMENT_BUILTINS.has(name);
  const textResult = TEXT_RESULT_BUILTINS.has(name);
  return {
    name,
    arity: -1,
    impl: (args) => {
      const r = fn(...args.map((a) => (asText ? regoText(a) : toJS(a))));
      return textResult && typeof r === 'string' ? fromRegoText(parseRegoText(r)) : decode(r);
    },
  };
}
