// Cases OPA's own Wasm target skips (internal/wasm/sdk/test/e2e/exceptions.yaml, see SOURCE.md),
// keyed by note. The negation "not-body" cases have no plans, so they never reach the backend.
export const WASM_EXCLUSIONS: ReadonlyMap<string, string> = new Map([
  ['functions/default', 'not supported in topdown (OPA issue 2445)'],
  ['data/toplevel integer', 'OPA issue 3711'],
  ['data/nested integer', 'OPA issue 3711'],
  ['withkeyword/function: indirect call, arity 1, replacement is value that needs eval (array comprehension)', 'OPA issue 5311'],
  ['withkeyword/builtin: indirect call, arity 1, replacement is value that needs eval (array comprehension)', 'OPA issue 5311'],
]);

/**
 * The negation "not-body" cases (`not { ... }`, newer than Rego v1) that OPA's planner does not
 * support (build/generate-extended-cases/exceptions.yaml): they have no plan, so OPA's Wasm
 * target never runs them. SOURCE.md lists them with the Wasm exclusions.
 */
const NO_PLANNER_SUPPORT = /^negation\/test-not-body[^/]*\.ya?ml$/;

/** Why OPA's Wasm target skips this case, or undefined when it runs it. */
export function wasmExclusion(note: string, file: string): string | undefined {
  const excluded = WASM_EXCLUSIONS.get(note);
  if (excluded !== undefined) return excluded;
  return NO_PLANNER_SUPPORT.test(file) ? 'no planner support in OPA (not-body negation)' : undefined;
}
