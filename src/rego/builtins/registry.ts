// The builtin registry: the one place that says, for every builtin the compiler knows, how many
// operands it takes, where it runs on the Wasm target (natively in the AssemblyScript runtime, or
// as host JavaScript through the SDK's customBuiltins) and how the reference interpreter
// evaluates it (its own implementation over exact values, or the host one through a bridge).
// The type checker, planner, Wasm backend and interpreter ask here; none of them decides alone.
import { BUILTIN_ARITY } from './arity.js';
import { hostImportName, TEXT_ARGUMENT_BUILTINS, TEXT_RESULT_BUILTINS } from './host-abi.js';
import { hostBuiltinNames, viaHost } from './host-bridge.js';
import { referenceBuiltin, referenceBuiltinNames, type BuiltinDef } from './reference/index.js';

export type { BuiltinDef, BuiltinContext, BuiltinImpl } from './reference/index.js';

/**
 * Builtins the runtime (src/rego/runtime/assembly/builtins) implements natively, exported as
 * builtin_<name with '.' -> '_'>. test/rego/builtins/registry.test.ts holds this list equal to the
 * built runtime's exports, so adding a native builtin means adding it here too.
 */
const NATIVE: ReadonlySet<string> = new Set([
  // comparison and arithmetic
  'equal', 'neq', 'lt', 'lte', 'gt', 'gte',
  'plus', 'minus', 'mul', 'div', 'rem', 'abs', 'round', 'ceil', 'floor',
  // sets and aggregates
  'and', 'or', 'union', 'intersection',
  'count', 'sum', 'product', 'max', 'min', 'sort',
  // strings
  'startswith', 'endswith', 'contains', 'indexof', 'substring', 'replace', 'split', 'concat', 'strings.reverse',
  'trim', 'trim_left', 'trim_right', 'trim_space', 'trim_prefix', 'trim_suffix', 'lower', 'upper', 'strings.count',
  // objects, arrays, membership
  'object.get', 'object.keys', 'object.union', 'object.remove', 'object.filter',
  'array.concat', 'array.slice', 'array.reverse', 'internal.member_2', 'internal.member_3', 'walk',
  // types
  'is_null', 'is_boolean', 'is_number', 'is_string', 'is_array', 'is_object', 'is_set', 'type_name', 'to_number',
  // net, glob, numbers
  'net.cidr_contains', 'net.cidr_contains_matches', 'glob.match', 'numbers.range',
  // encodings
  'json.marshal', 'json.unmarshal', 'json.is_valid', 'internal.print',
  'base64.encode', 'base64.decode', 'base64.is_valid', 'base64url.encode', 'base64url.encode_no_pad', 'base64url.decode',
  'hex.encode', 'hex.decode',
]);

/** How an argument or a result crosses to the host: JSON, or Rego value text (sets, big numbers). */
export type HostEncoding = 'json' | 'rego-text';

/** Where a builtin runs in a compiled policy. */
export type WasmPlacement =
  | { readonly kind: 'native'; readonly export: string }
  | { readonly kind: 'host'; readonly importName: string; readonly args: HostEncoding; readonly result: HostEncoding };

/** How the reference interpreter evaluates a builtin. */
export type InterpreterPlacement = 'reference' | 'host' | 'none';

export interface BuiltinEntry {
  readonly name: string;
  /** Operand count (the result is not counted); -1 for variadic; undefined when not declared by OPA or us. */
  readonly arity: number | undefined;
  readonly wasm: WasmPlacement;
  readonly interpreter: InterpreterPlacement;
}

/** The runtime export name of a native builtin. */
export function nativeExportName(name: string): string {
  return `builtin_${name.replaceAll('.', '_')}`;
}

/**
 * Where a call of `name` runs in Wasm. Anything not native goes to the host, also names we have
 * no host implementation for: the SDK then refuses to load the module, naming the builtin.
 */
export function wasmPlacement(name: string): WasmPlacement {
  if (NATIVE.has(name)) return { kind: 'native', export: nativeExportName(name) };
  return {
    kind: 'host',
    importName: hostImportName(name),
    args: TEXT_ARGUMENT_BUILTINS.has(name) ? 'rego-text' : 'json',
    result: TEXT_RESULT_BUILTINS.has(name) ? 'rego-text' : 'json',
  };
}

/** Whether the type checker and planner treat `name` as a builtin (OPA declares it, or we implement it). */
export function isBuiltin(name: string): boolean {
  return name in BUILTIN_ARITY || referenceBuiltin(name) !== undefined;
}

/** Operand count of a builtin; -1 for variadic; undefined when unknown. */
export function builtinArity(name: string): number | undefined {
  return BUILTIN_ARITY[name] ?? referenceBuiltin(name)?.arity;
}

const bridged = new Map<string, BuiltinDef | undefined>();

/** The implementation the reference interpreter calls: its own, else the host's through the bridge. */
export function interpreterBuiltin(name: string): BuiltinDef | undefined {
  const own = referenceBuiltin(name);
  if (own !== undefined) return own;
  if (!bridged.has(name)) bridged.set(name, viaHost(name));
  return bridged.get(name);
}

/** Every builtin the registry knows (declared, native, or implemented by the host or the interpreter), by name. */
export function builtinEntries(): BuiltinEntry[] {
  const names = new Set([...Object.keys(BUILTIN_ARITY), ...referenceBuiltinNames(), ...NATIVE, ...hostBuiltinNames()]);
  return [...names].sort().map((name) => ({
    name,
    arity: builtinArity(name),
    wasm: wasmPlacement(name),
    interpreter: referenceBuiltin(name) !== undefined ? 'reference' : viaHost(name) !== undefined ? 'host' : 'none',
  }));
}
