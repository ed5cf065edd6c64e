// Host builtins whose arguments the backend passes as Rego value text instead of JSON, because
// the SDK's JSON marshalling would lose something they need: sets (vs arrays) or exact integers
// (nanosecond timestamps, big ints). The backend (wasm/codegen/calls.ts) and the host agree on
// this list; the host parses the text back (see textArguments in index.ts).
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
