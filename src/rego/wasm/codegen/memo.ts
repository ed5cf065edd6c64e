// Memoization of rules (IR functions of exactly input and data) within one evaluation, as OPA's
// backend does: each memoized rule gets a cached value and the evaluation epoch it was computed in.
// Inside `with` blocks (withDepth > 0) the cache is neither read nor written, since input or data
// differ there. The epoch is an i64, so it never wraps in a long-running process.
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

/** A rule is memoized when it takes exactly input and data. */
export function isMemoized(paramCount: number): boolean {
  return paramCount === 2;
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
