// Memoization of rules (IR functions of exactly input and data) within one evaluation, as OPA's
// backend does: each memoized rule gets a cached value and the evaluation epoch it was computed in.
// Inside `with` blocks (withDepth > 0) the cache is neither read nor written, since input or data
// differ there. The epoch is an i64, so it never wraps in a long-running process.
import type { Block, Operand, Policy, Stmt } from '../../ir/types.js';
import { FuncBody } from '../binary/code.js';
import { I32, I64, type Global } from '../binary/module.js';

export interface MemoLayout {
  readonly epoch: number;
  readonly withDepth: number;
  /** Globals of the k-th memoized function: cached value and its epoch. */
  slot(k: number): { value: number; epoch: number };
  readonly globals: Global[];
}

const ZERO_I32 = Uint8Array.of(0x41, 0x00, 0x0b);
const ZERO_I64 = Uint8Array.of(0x42, 0x00, 0x0b);

export function memoLayout(firstGlobal: number, memoized: number): MemoLayout {
  const globals: Global[] = [
    { type: I64, mutable: true, init: ZERO_I64 },
    { type: I32, mutable: true, init: ZERO_I32 },
  ];
  for (let k = 0; k < memoized; k++) {
    globals.push({ type: I32, mutable: true, init: ZERO_I32 }, { type: I64, mutable: true, init: ZERO_I64 });
  }
  return {
    epoch: firstGlobal,
    withDepth: firstGlobal + 1,
    slot: (k) => ({ value: firstGlobal + 2 + 2 * k, epoch: firstGlobal + 3 + 2 * k }),
    globals,
  };
}

function passesInputAndData(args: readonly Operand[] | readonly number[] | null): boolean {
  if (args === null || args.length !== 2) return false;
  return args.every((a, i) => (typeof a === 'number' ? a === i : a.type === 'local' && a.value === i));
}

function visitCalls(blocks: readonly Block[], visit: (s: Stmt) => void): void {
  for (const block of blocks) {
    for (const s of block.stmts ?? []) {
      visit(s);
      if (s.type === 'BlockStmt') visitCalls(s.stmt.blocks ?? [], visit);
      else if (s.type === 'ScanStmt' || s.type === 'NotStmt' || s.type === 'WithStmt') visitCalls([s.stmt.block], visit);
    }
  }
}

/**
 * Rules worth memoizing: functions of exactly (input, data), i.e. params [0, 1], that every call
 * site invokes with its own locals 0 and 1 (the evaluation's input and data, or their `with`
 * replacements, during which the cache is off). Anything else is compiled without a cache.
 */
export function memoizable(policy: Policy): Set<string> {
  const funcs = policy.funcs?.funcs ?? [];
  const names = new Set(funcs.filter((f) => passesInputAndData(f.params)).map((f) => f.name));
  const check = (s: Stmt) => {
    if (s.type === 'CallStmt' && names.has(s.stmt.func) && !passesInputAndData(s.stmt.args)) names.delete(s.stmt.func);
    if (s.type === 'CallDynamicStmt' && !passesInputAndData(s.stmt.args)) names.clear();
  };
  for (const p of policy.plans.plans ?? []) visitCalls(p.blocks, check);
  for (const f of funcs) visitCalls(f.blocks, check);
  return names;
}

/** Starts a new evaluation: a fresh epoch, and no `with` in force. */
export function emitNewEvaluation(b: FuncBody, memo: MemoLayout): void {
  b.globalGet(memo.epoch).i64(1n).i64Add().globalSet(memo.epoch);
  b.i32(0).globalSet(memo.withDepth);
}

/** `(input, data) -> value`: the cached value of `impl` for this evaluation, computing it once. */
export function compileMemoWrapper(memo: MemoLayout, k: number, impl: number): Uint8Array {
  const { value, epoch } = memo.slot(k);
  const b = new FuncBody(2);
  const result = b.newLocal();
  b.globalGet(memo.withDepth).eqz().if();
  b.globalGet(epoch).globalGet(memo.epoch).i64Eq().if();
  b.globalGet(value).return();
  b.end().end();
  b.get(0).get(1).call(impl).tee(result);
  b.globalGet(memo.withDepth).eqz().if();
  b.get(result).globalSet(value).globalGet(memo.epoch).globalSet(epoch);
  b.end();
  return b.finish();
}
