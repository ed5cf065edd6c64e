// How the Wasm target and the host builtins talk: the facts both sides of the opa-wasm SDK's
// customBuiltins call must agree on. The registry (registry.ts) hands them to the backend; the
// host table (host/index.ts) and the interpreter's bridge to it (host-bridge.ts) read them here.

/**
 * Host builtins whose arguments the backend passes as Rego value text instead of JSON, because
 * the SDK's JSON marshalling would lose something they need: sets (vs arrays) or exact integers
 * (nanosecond timestamps, big ints). The host parses the text back (textArguments in host/index.ts).
 */
export const TEXT_ARGUMENT_BUILTINS: ReadonlySet<string> = new Set([
  'internal.template_string',
  'sprintf',
  'time.format',
  'time.date',
  'time.clock',
  'time.weekday',
  'time.add_date',
  'time.diff',
  'json.patch',
  'strings.replace_n',
  'providers.aws.sign_req',
]);

/**
 * Host builtins whose result may hold sets: the host returns Rego value text as a JSON string and
 * the backend parses it back with the runtime's opa_value_parse_string (JSON alone has no sets).
 */
export const TEXT_RESULT_BUILTINS: ReadonlySet<string> = new Set(['json.patch', 'providers.aws.sign_req']);

/**
 * Names the SDK implements itself and would shadow our host implementations of (its lookup
 * prefers its own): we alias them, so Go-compatible, never-throwing versions run instead.
 */
const SDK_SHADOWED: ReadonlySet<string> = new Set(['sprintf', 'regex.split', 'yaml.is_valid', 'yaml.marshal', 'yaml.unmarshal', 'json.is_valid']);

const ALIAS_PREFIX = 'changegate.';

/** The name a builtin is imported under from the host (its key in hostBuiltins()). */
export function hostImportName(name: string): string {
  return SDK_SHADOWED.has(name) ? `${ALIAS_PREFIX}${name}` : name;
}

/** The builtin a host table key implements (the inverse of hostImportName). */
export function builtinOfHostKey(key: string): string {
  return key.startsWith(ALIAS_PREFIX) ? key.slice(ALIAS_PREFIX.length) : key;
}
