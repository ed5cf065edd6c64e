// Runs a policy directory's own tests, as `opa test` does: every rule named test_* is an
// entrypoint that must evaluate to true. Used by `changegate policy test` and before every
// hot reload, so a policy whose tests fail never replaces a working one.

import type { Module, RefTerm } from '../rego/index.js';
import type { PolicyModule } from './module.js';

export interface TestResult {
  /** Entrypoint form: `package/path/test_name`. */
  readonly name: string;
  readonly file: string;
  readonly passed: boolean;
  readonly error?: string;
  readonly durationMs: number;
}

/** The test rules of the parsed modules, as entrypoint paths. */
export function discoverTests(modules: readonly Module[]): { name: string; file: string }[] {
  const found = new Map<string, string>();
  for (const module of modules) {
    const pkg = refStrings(module.package.path);
    if (pkg === undefined) continue;
    for (const rule of module.rules) {
      if (rule.head.kind !== 'value' || rule.head.key !== undefined) continue;
      const path = refStrings(rule.head.ref, true);
      const name = path?.[path.length - 1];
      if (path === undefined || name === undefined || !name.startsWith('test_')) continue;
      found.set([...pkg, ...path].join('/'), module.file);
    }
  }
  return [...found].map(([name, file]) => ({ name, file })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Runs discovered tests on a module that was compiled with them as entrypoints. */
export function runTests(module: PolicyModule, tests: readonly { name: string; file: string }[]): TestResult[] {
  return tests.map((test) => {
    const started = performance.now();
    let passed = false;
    let error: string | undefined;
    try {
      const rs = module.evaluate('', test.name) as { result?: unknown }[];
      passed = rs.length === 1 && rs[0]?.result === true;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    return { ...test, passed, ...(error === undefined ? {} : { error }), durationMs: performance.now() - started };
  });
}

/** One line per failed test. */
export function failureLines(results: readonly TestResult[]): string[] {
  return results.filter((r) => !r.passed).map((r) => `${r.file}: ${r.name}${r.error ? `: ${r.error}` : ''}`);
}

/** The plain strings of a ref rooted at `data` (or a rule's own ref), or undefined if dynamic. */
function refStrings(ref: RefTerm, includeHead = false): string[] | undefined {
  const out: string[] = [];
  if (includeHead) {
    if (ref.head.type !== 'var') return undefined;
    out.push(ref.head.value);
  }
  for (const term of ref.path) {
    if (term.type !== 'string') return undefined;
    out.push(term.value);
  }
  return out;
}
