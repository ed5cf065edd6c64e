// The driver: the only module that knows the whole chain, parse -> passes -> plan (-> IR passes -> Wasm).
import type { Body, Module } from './ast/types.js';
import { isBuiltin } from './builtins/registry.js';
import { runIrPasses } from './ir/passes/index.js';
import type { Policy } from './ir/types.js';
import { ParseError, parseModule, parseQuery } from './parser/index.js';
import { formatProblem } from './parser/errors.js';
import { arityOf } from './passes/check-calls.js';
import { CompileError, ProblemCollector, type CompileProblem } from './passes/errors.js';
import { runPasses } from './passes/index.js';
import { plan } from './planner/planner.js';
import { generateWasm, type CompileOptions as BackendOptions } from './wasm/index.js';

export { CompileError } from './passes/errors.js';

export interface SourceFile {
  readonly file: string;
  readonly text: string;
}

export interface CompileOptions {
  /** Entrypoints as `pkg/rule` or `data.pkg.rule`; each becomes a plan named `pkg/rule`. */
  readonly entrypoints?: readonly string[];
  /** An ad-hoc query planned as the plan named "eval" (conformance and `policy eval`). */
  readonly query?: string;
}

export interface CompileResult {
  readonly ir: Policy;
  readonly modules: readonly Module[];
}

function entrypointPath(ep: string): { name: string; path: string[] } {
  const trimmed = ep.replace(/^data[./]/, '');
  const path = trimmed.split(/[./]/).filter((p) => p !== '');
  return { name: path.join('/'), path };
}

function toCompileError(e: unknown, sources: ReadonlyMap<string, string> = new Map()): unknown {
  if (e instanceof ParseError) {
    const problems: CompileProblem[] = e.problems.map((p) => {
      // formatProblem's first line repeats the location; the rest is the source line and caret.
      const detail = formatProblem(p, sources.get(p.file) ?? '').split('\n').slice(1).join('\n');
      return {
        code: 'rego_parse_error',
        message: p.reason,
        location: { file: p.file, row: p.row, col: p.col },
        ...(detail === '' ? {} : { detail }),
      };
    });
    return new CompileError(problems);
  }
  if (e instanceof RangeError) return new CompileError([{ code: 'rego_compile_error', message: `policy too large or too deeply nested: ${e.message}` }]);
  return e;
}

/** Compiles already-parsed modules (and optional query) to IR. */
export function compileParsed(modules: readonly Module[], query: Body | undefined, entrypoints: readonly string[]): Policy {
  const s = runPasses(modules, query);
  return plan({
    modules: s.modules,
    root: s.root,
    sets: s.sets,
    queries: s.query ? [{ name: 'eval', body: s.query }] : [],
    entrypoints: entrypoints.map(entrypointPath),
    isBuiltin,
    arity: (op) => arityOf(s.root, op),
  });
}

/**
 * Parses every file; syntax errors are a CompileError, printed like any other. Every file is
 * parsed, so the errors of all of them are reported together (up to the usual limit).
 */
export function parseSources(files: readonly SourceFile[]): Module[] {
  const sources = new Map(files.map((f) => [f.file, f.text]));
  const modules: Module[] = [];
  const problems = new ProblemCollector();
  for (const f of files) {
    problems.check(() => {
      try {
        modules.push(parseModule(f.text, f.file));
      } catch (e) {
        throw toCompileError(e, sources);
      }
    });
  }
  problems.finish();
  return modules;
}

/**
 * IR to a Wasm module: the IR passes (ir/passes), then code generation. The entry for our own
 * plans and for OPA's (`opa build -t plan`, the conformance suite's input).
 */
export function compileIrToWasm(policy: Policy, options: BackendOptions = {}): Uint8Array {
  return generateWasm(runIrPasses(policy), options);
}

/** Already-parsed modules to a Wasm module, for callers that also read the AST (test discovery). */
export function compileParsedToWasm(modules: readonly Module[], entrypoints: readonly string[]): Uint8Array {
  try {
    return compileIrToWasm(compileParsed(modules, undefined, entrypoints));
  } catch (e) {
    throw toCompileError(e);
  }
}

export function compileModules(files: readonly SourceFile[], options: CompileOptions = {}): CompileResult {
  const modules = parseSources(files);
  try {
    const query = options.query !== undefined ? parseQuery(options.query, { file: '<query>' }) : undefined;
    return { ir: compileParsed(modules, query, options.entrypoints ?? []), modules };
  } catch (e) {
    throw toCompileError(e, options.query === undefined ? undefined : new Map([['<query>', options.query]]));
  }
}

export interface WasmCompileResult extends CompileResult {
  readonly wasm: Uint8Array;
}

/** Rego sources to a Wasm module in OPA's ABI (the backend links it into the runtime). */
export function compileToWasm(files: readonly SourceFile[], options: CompileOptions & { runtime?: Uint8Array } = {}): WasmCompileResult {
  const res = compileModules(files, options);
  const wasm = compileIrToWasm(res.ir, options.runtime !== undefined ? { runtime: options.runtime } : {});
  return { ...res, wasm };
}

/** A query over modules to Wasm, its only plan named "eval" (the conformance runner's entry: tools/conformance/pipeline.ts). */
export function compileQueryToWasm(modules: readonly { name: string; text: string }[], query: string): Uint8Array {
  return compileToWasm(
    modules.map((m) => ({ file: m.name, text: m.text })),
    { query },
  ).wasm;
}
