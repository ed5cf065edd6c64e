// The compiler's front door: everything the rest of Changegate (and tools/) may use. Files outside
// src/rego import this module only (test/architecture/rego-front-door.test.ts holds that), so the
// stages behind it (parser, passes, planner, IR, interpreter, builtins, Wasm backend) can change
// shape without touching a caller.

// Rego source to Wasm in OPA's ABI, and the errors it reports.
export {
  compileToWasm,
  compileModules,
  compileQueryToWasm,
  parseSources,
  compileParsedToWasm,
  CompileError,
  type SourceFile,
  type CompileOptions,
  type CompileResult,
  type WasmCompileResult,
} from './compile.js';
export type { CompileProblem } from './passes/errors.js';

// The parsed form callers read (policy test discovery walks rules and refs).
export type { Module, Rule, RefTerm, Term } from './ast/types.js';

// OPA's IR plans (the conformance suite's input) to Wasm.
export { compileIrToWasm } from './compile.js';
export type { Policy as IrPolicy } from './ir/types.js';

// Running a compiled module: the host builtins it imports, and the SDK loader that supplies them.
export { hostBuiltins, type HostBuiltins, type HostBuiltin, type HostOptions } from './builtins/host/index.js';
export { requiredMemoryPages } from './wasm/index.js';
export { loadWasmPolicy } from './load.js';

// Which compiler this is (a hash of its code), for caches of what it compiled.
export { compilerFingerprint } from './fingerprint.js';
