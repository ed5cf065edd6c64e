// Reference interpreter for OPA's IR. Control flow follows the Wasm backend exactly
// (internal/compiler/wasm in OPA): a failing statement leaves its innermost block, BreakStmt{n}
// leaves n further blocks, a Scan body is a loop whose level 0 means "next element" and level 1
// "leave the scan", and a Not/With body counts as one block.
import type { Block, Func, Operand, Policy, Stmt } from '../ir/types.js';
import { BuiltinError, EvalError } from '../value/errors.js';
import { RNumber, RObject, RSet, equal, type Value } from '../value/value.js';
import { upsert } from '../value/ops.js';
import { execValueStmt } from './value-stmts.js';

export { dot, merge, upsert } from '../value/ops.js';
import { interpreterBuiltin, type BuiltinContext } from '../builtins/registry.js';

export interface EvalOptions {
  readonly input?: Value;
  readonly data?: Value;
  /** Builtin errors abort evaluation (OPA's strict mode); otherwise they are undefined (Wasm). */
  readonly strictBuiltinErrors?: boolean;
  readonly nowNs?: bigint;
  /** Upper bound on executed statements, so hostile plans cannot spin forever. */
  readonly maxSteps?: number;
}

const NORMAL = -1;
const RETURN = -2;

interface Frame {
  readonly locals: (Value | undefined)[];
  ret: Value | undefined;
}

export class Interpreter {
  private readonly strings: string[];
  private readonly files: string[];
  private readonly funcs = new Map<string, Func>();
  private readonly funcsByPath = new Map<string, Func>();
  private memo: Map<string, Value | undefined>[] = [new Map()];
  private results = new RSet();
  private steps = 0;
  private depth = 0;
  private ctx: BuiltinContext = { nowNs: 0n };
  private opts: EvalOptions = {};

  constructor(private readonly policy: Policy) {
    this.strings = (policy.static.strings ?? []).map((s) => s.value);
    this.files = (policy.static.files ?? []).map((s) => s.value);
    for (const f of policy.funcs?.funcs ?? []) {
      this.funcs.set(f.name, f);
      this.funcsByPath.set(JSON.stringify(f.path.slice(1)), f);
    }
  }

  entrypoints(): string[] {
    return (this.policy.plans.plans ?? []).map((p) => p.name);
  }

  /** Runs one plan and returns its result set (in Rego order). */
  eval(entrypoint: string, opts: EvalOptions = {}): Value[] {
    const plan = (this.policy.plans.plans ?? []).find((p) => p.name === entrypoint);
    if (plan === undefined) throw new EvalError('eval_internal_error', `unknown entrypoint ${entrypoint}`);
    this.opts = opts;
    this.ctx = { nowNs: opts.nowNs ?? BigInt(Date.now()) * 1_000_000n };
    this.memo = [new Map()];
    this.results = new RSet();
    this.steps = 0;
    const frame: Frame = { locals: [opts.input, opts.data ?? new RObject()], ret: undefined };
    for (const b of plan.blocks) this.run(b, frame);
    return this.results.sorted();
  }

  private str(i: number): string {
    const s = this.strings[i];
    if (s === undefined) throw new EvalError('eval_internal_error', `bad string index ${i}`);
    return s;
  }

  private read(op: Operand, f: Frame): Value | undefined {
    switch (op.type) {
      case 'local':
        return f.locals[op.value];
      case 'bool':
        return op.value;
      default:
        return this.str(op.value);
    }
  }

  private loc(s: Stmt): { file: string; row: number; col: number } {
    return { file: this.files[s.stmt.file] ?? '?', row: s.stmt.row, col: s.stmt.col };
  }

  /** Executes a block; NORMAL, RETURN, or k >= 0 = leave the k-th enclosing block (0 = this). */
  run(block: Block, f: Frame): number {
    for (const s of block.stmts ?? []) {
      if (++this.steps > (this.opts.maxSteps ?? 50_000_000)) {
        throw new EvalError('eval_internal_error', 'evaluation step limit exceeded');
      }
      const r = this.exec(s, f);
      if (r !== NORMAL) return r;
    }
    return NORMAL;
  }

  /** Runs a nested block that counts as one level; maps its outcome for the containing block. */
  private nested(r: number): number {
    if (r === RETURN) return RETURN;
    return r > 0 ? r - 1 : NORMAL;
  }

  private exec(s: Stmt, f: Frame): number {
    const L = f.locals;
    switch (s.type) {
      case 'AssignVarOnceStmt': {
        const v = this.read(s.stmt.source, f);
        const cur = L[s.stmt.target];
        if (cur !== undefined && v !== undefined && !equal(cur, v)) {
          throw new EvalError('eval_conflict_error', 'var assignment conflict', this.loc(s));
        }
        L[s.stmt.target] = v;
        return NORMAL;
      }
      case 'BlockStmt':
        for (const b of s.stmt.blocks ?? []) {
          const r = this.nested(this.run(b, f));
          if (r !== NORMAL) return r;
        }
        return NORMAL;
      case 'BreakStmt':
        return s.stmt.index;
      case 'CallStmt':
        return this.call(s, f);
      case 'CallDynamicStmt':
        return this.callDynamic(s, f);
      case 'MakeNumberRefStmt': {
        const n = RNumber.parse(this.str(s.stmt.Index));
        if (n === undefined) throw new EvalError('eval_internal_error', 'bad number constant', this.loc(s));
        L[s.stmt.target] = n;
        return NORMAL;
      }
      case 'NotStmt': {
        const r = this.run(s.stmt.block, f);
        if (r === RETURN) return RETURN;
        if (r === NORMAL) return 0;
        return r === 0 ? NORMAL : r - 1;
      }
      case 'ObjectInsertOnceStmt': {
        const o = L[s.stmt.object];
        const k = this.read(s.stmt.key, f);
        const v = this.read(s.stmt.value, f);
        if (!(o instanceof RObject) || k === undefined || v === undefined) return 0;
        const cur = o.get(k);
        if (cur !== undefined && !equal(cur, v)) {
          throw new EvalError('eval_conflict_error', 'object insert conflict', this.loc(s));
        }
        o.set(k, v);
        return NORMAL;
      }
      case 'ResultSetAddStmt': {
        const v = L[s.stmt.value];
        if (v !== undefined) this.results.add(v);
        return NORMAL;
      }
      case 'ReturnLocalStmt':
        f.ret = L[s.stmt.source];
        return RETURN;
      case 'ScanStmt':
        return this.scan(s.stmt, f);
      case 'WithStmt':
        return this.withStmt(s.stmt, f);
      default:
        return execValueStmt(s, L, (op) => this.read(op, f));
    }
  }

  private scan(st: Extract<Stmt, { type: 'ScanStmt' }>['stmt'], f: Frame): number {
    const src = f.locals[st.source];
    const pairs: [Value, Value][] = [];
    if (Array.isArray(src)) src.forEach((v, i) => pairs.push([RNumber.int(i), v]));
    else if (src instanceof RObject) pairs.push(...src.sortedEntries());
    else if (src instanceof RSet) for (const v of src.sorted()) pairs.push([v, v]);
    for (const [k, v] of pairs) {
      f.locals[st.key] = k;
      f.locals[st.value] = v;
      const r = this.run(st.block, f);
      if (r === RETURN) return RETURN;
      if (r === 1) return NORMAL;
      if (r >= 2) return r - 2;
    }
    return NORMAL;
  }

  private withStmt(st: Extract<Stmt, { type: 'WithStmt' }>['stmt'], f: Frame): number {
    const saved = f.locals[st.local];
    const v = this.read(st.value, f);
    const path = (st.path ?? []).map((i) => this.str(i));
    // The planner restores an undefined input with `With local=0 value=<saved>`, so an undefined
    // value is legal when replacing the whole local.
    if (v === undefined && path.length > 0) return 0;
    f.locals[st.local] = v === undefined ? undefined : path.length === 0 ? v : upsert(saved, path, v);
    this.memo.push(new Map());
    let r: number;
    try {
      r = this.run(st.block, f);
    } finally {
      this.memo.pop();
      f.locals[st.local] = saved;
    }
    if (r === RETURN) return RETURN;
    if (r === NORMAL) return NORMAL;
    return r === 0 ? 0 : r - 1;
  }

  private call(s: Extract<Stmt, { type: 'CallStmt' }>, f: Frame): number {
    const fn = this.funcs.get(s.stmt.func);
    // Plan functions take input/data even when undefined (a null pointer in Wasm); builtins
    // are never called with an undefined operand.
    const args = (s.stmt.args ?? []).map((a) => this.read(a, f));
    let res: Value | undefined;
    if (fn !== undefined) res = this.callFunc(fn, args);
    else if (args.some((a) => a === undefined)) return 0;
    else res = this.callBuiltin(s, args as Value[]);
    if (res === undefined) return 0;
    f.locals[s.stmt.result] = res;
    return NORMAL;
  }

  private callBuiltin(s: Extract<Stmt, { type: 'CallStmt' }>, args: Value[]): Value | undefined {
    const b = interpreterBuiltin(s.stmt.func);
    if (b === undefined) {
      throw new EvalError('eval_internal_error', `unsupported builtin ${s.stmt.func}`, this.loc(s));
    }
    try {
      return b.impl(args, this.ctx);
    } catch (e) {
      if (e instanceof BuiltinError) {
        if (this.opts.strictBuiltinErrors) throw new EvalError('eval_builtin_error', e.message, this.loc(s));
        return undefined;
      }
      if (e instanceof EvalError) throw e;
      if (e instanceof RangeError) return undefined;
      throw e;
    }
  }

  private callDynamic(s: Extract<Stmt, { type: 'CallDynamicStmt' }>, f: Frame): number {
    const path: string[] = [];
    for (const p of s.stmt.path) {
      const v = this.read(p, f);
      if (typeof v !== 'string') return 0;
      path.push(v);
    }
    const fn = this.funcsByPath.get(JSON.stringify(path.slice(1)));
    if (fn === undefined) return 0;
    const res = this.callFunc(fn, s.stmt.args.map((a) => f.locals[a]));
    if (res === undefined) return 2;
    f.locals[s.stmt.result] = res;
    return NORMAL;
  }

  callFunc(fn: Func, args: (Value | undefined)[]): Value | undefined {
    const memoize = fn.params.length === 2;
    const memo = this.memo[this.memo.length - 1] as Map<string, Value | undefined>;
    if (memoize && memo.has(fn.name)) return memo.get(fn.name);
    if (++this.depth > 2000) {
      this.depth = 0;
      throw new EvalError('eval_internal_error', 'call depth exceeded');
    }
    const frame: Frame = { locals: [], ret: undefined };
    fn.params.forEach((p, i) => (frame.locals[p] = args[i]));
    try {
      for (const b of fn.blocks) {
        if (this.run(b, frame) === RETURN) break;
      }
    } finally {
      this.depth--;
    }
    if (memoize) memo.set(fn.name, frame.ret);
    return frame.ret;
  }
}
