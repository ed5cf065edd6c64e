// Compile errors carry OPA's codes and a location, and print as `opa` prints them:
//   1 error occurred: policy.rego:3: rego_unsafe_var_error: var x is unsafe
import type { Location } from '../ast/types.js';

export type CompileErrorCode =
  | 'rego_parse_error'
  | 'rego_compile_error'
  | 'rego_unsafe_var_error'
  | 'rego_type_error'
  | 'rego_recursion_error';

export interface CompileProblem {
  readonly code: CompileErrorCode;
  readonly message: string;
  readonly location?: Pick<Location, 'file' | 'row' | 'col'>;
  /** The source line and a caret under the column, tab-indented, as opa prints parse errors. */
  readonly detail?: string;
}

export function problemText(p: CompileProblem): string {
  const where = p.location ? `${p.location.file}:${p.location.row}:${p.location.col}: ` : '';
  return `${where}${p.code}: ${p.message}${p.detail === undefined ? '' : `\n${p.detail}`}`;
}

export class CompileError extends Error {
  readonly problems: readonly CompileProblem[];

  constructor(problems: readonly CompileProblem[]) {
    const head = problems.length === 1 ? '1 error occurred' : `${problems.length} errors occurred`;
    super(problems.length === 1 ? `${head}: ${problemText(problems[0] as CompileProblem)}` : `${head}:\n${problems.map(problemText).join('\n')}`);
    this.name = 'CompileError';
    this.problems = problems;
  }

  /** The first problem's code, which is what conformance cases match on. */
  get code(): CompileErrorCode {
    return (this.problems[0] as CompileProblem).code;
  }
}

export function fail(code: CompileErrorCode, message: string, location?: CompileProblem['location']): never {
  throw new CompileError([{ code, message, ...(location ? { location } : {}) }]);
}

/** How many problems one stage reports before it stops, as opa's default error limit. */
export const MAX_PROBLEMS = 10;

/**
 * Gathers the problems of one compiler stage: each unit (a rule, a call) is checked on its own,
 * so a stage reports every faulty unit rather than only the first, as opa does. Past the limit
 * the stage stops with opa's "error limit reached".
 */
export class ProblemCollector {
  readonly #problems: CompileProblem[] = [];

  constructor(private readonly limit = MAX_PROBLEMS) {}

  /** Runs one unit's check; a CompileError it throws is recorded and the stage goes on. */
  check(unit: () => void): void {
    try {
      unit();
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      for (const p of e.problems) {
        if (this.#problems.length >= this.limit) {
          this.#problems.push({ code: 'rego_compile_error', message: 'error limit reached' });
          throw new CompileError(this.#problems);
        }
        this.#problems.push(p);
      }
    }
  }

  /** Ends the stage: throws every recorded problem, if there is one. */
  finish(): void {
    if (this.#problems.length > 0) throw new CompileError(this.#problems);
  }
}
