// Shared state while compiling one policy, and the per-function compiler state.
import type { Block, Local, Operand, Stmt } from '../../ir/types.js';
import { FuncBody } from '../binary/code.js';
import type { DotPaths } from '../../ir/analysis/invariant-lookups.js';
import type { MemoLayout } from './memo.js';
import type { RuntimeInfo } from './runtime.js';
import type { StaticData } from './statics.js';

/** A policy function as CallDynamicStmt sees it. */
export interface DynamicTarget {
  readonly path: readonly string[];
  readonly arity: number;
  readonly index: number;
}

export interface PolicyEnv {
  readonly rt: RuntimeInfo;
  readonly statics: StaticData;
  readonly strings: readonly string[];
  /** Source file names, for error locations. */
  readonly files: readonly string[];
  /** IR function name -> Wasm function index. */
  readonly funcIndex: ReadonlyMap<string, number>;
  readonly dynamicTargets: readonly DynamicTarget[];
  /** The generated `value -> string value of its Rego text` helper (see functions.ts). */
  readonly valueTextFunc: number;
  readonly memo: MemoLayout;
  /** Host builtin name -> the id the SDK sees in `builtins()`. */
  readonly hostBuiltins: Map<string, number>;
}

export type StmtCompiler = (fc: FnCompiler, stmt: Stmt) => void;

export class FnCompiler {
  readonly body: FuncBody;
  private readonly locals = new Map<Local, number>();

  /** Wasm locals caching a DotStmt path's result for the call (see ir/analysis/invariant-lookups.ts). */
  private readonly dotCaches = new Map<string, number>();

  constructor(
    readonly env: PolicyEnv,
    paramCount: number,
    /** The Wasm local holding the eval context, in plan functions only (for ResultSetAdd). */
    readonly ctxLocal: number | null,
    private readonly compileStmt: StmtCompiler,
    /** DotStmts whose result is the same every time during one call, by path. */
    readonly dotPaths: DotPaths = new Map(),
  ) {
    this.body = new FuncBody(paramCount);
  }

  /** The cache local of a path: 0 until looked up, then the value or 1 for undefined (see stmts.ts). */
  dotCache(path: string): number {
    let l = this.dotCaches.get(path);
    if (l === undefined) {
      l = this.body.newLocal();
      this.dotCaches.set(path, l);
    }
    return l;
  }

  /** Binds an IR local to a given Wasm local (parameters). */
  bind(irLocal: Local, wasmLocal: number): void {
    this.locals.set(irLocal, wasmLocal);
  }

  local(irLocal: Local): number {
    let l = this.locals.get(irLocal);
    if (l === undefined) {
      l = this.body.newLocal();
      this.locals.set(irLocal, l);
    }
    return l;
  }

  /** Pushes an operand's value address. */
  read(op: Operand): void {
    switch (op.type) {
      case 'local':
        this.body.get(this.local(op.value));
        return;
      case 'bool':
        this.body.i32(this.env.statics.boolValue(op.value));
        return;
      case 'string_index':
        this.body.i32(this.stringConst(op.value));
        return;
    }
  }

  stringConst(index: number): number {
    const s = this.env.strings[index];
    if (s === undefined) throw new Error(`string index ${index} out of range`);
    return this.env.statics.stringValue(s);
  }

  /** `file:row:col: ` of a statement, as OPA's runtime errors start. */
  where(loc: { file: number; row: number; col: number }): string {
    return `${this.env.files[loc.file] ?? '<unknown>'}:${loc.row}:${loc.col}: `;
  }

  /** Calls opa_abort with a static message; the code after it is unreachable. */
  abort(message: string): void {
    this.body.i32(this.env.statics.message(message)).call(this.env.rt.envImport('opa_abort')).unreachable();
  }

  rt(name: string): number {
    return this.env.rt.func(name);
  }

  /** Emits the statements of an IR block inline (the caller opens the label it may break to). */
  stmts(block: Block): void {
    for (const s of block.stmts ?? []) this.compileStmt(this, s);
  }

  /** An IR block as its own Wasm block, so BreakStmt indices map one to one onto labels. */
  wrapped(block: Block): void {
    this.body.block();
    this.stmts(block);
    this.body.end();
  }
}
