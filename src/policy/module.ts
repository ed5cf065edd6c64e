// An instantiated policy module, as load.ts builds it and test-runner.ts runs tests on it (its own
// file so neither of the two imports the other for a type).

/** An instantiated policy module: any of its entrypoints can be evaluated. */
export interface PolicyModule {
  readonly entrypoints: readonly string[];
  /** Evaluates `entrypoint` on a JSON-serialised input ('' for no input); the SDK's result set. */
  evaluate(inputJson: string, entrypoint: string): unknown;
}
