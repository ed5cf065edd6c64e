// Statements that open blocks: ScanStmt, NotStmt, WithStmt. Their Wasm label structure mirrors
// OPA's backend (the scan body sits directly in the loop, so `br 0` continues with the next element).
import type { StmtOf } from '../../ir/types.js';
import type { FnCompiler } from './env.js';

export function compileScan(fc: FnCompiler, s: StmtOf<'ScanStmt'>): void {
  const b = fc.body;
  const source = b.newLocal();
  const count = b.newLocal();
  const index = b.newLocal();
  b.get(fc.local(s.source)).tee(source).call(fc.rt('opa_scan_len')).set(count);
  b.i32(0).set(index);
  b.block().loop();
  b.get(index).get(count).geU().brIf(1);
  b.get(source).get(index).call(fc.rt('opa_scan_key')).set(fc.local(s.key));
  b.get(source).get(index).call(fc.rt('opa_scan_value')).set(fc.local(s.value));
  b.get(index).i32(1).add().set(index);
  fc.stmts(s.block);
  b.br(0);
  b.end().end();
}

export function compileNot(fc: FnCompiler, s: StmtOf<'NotStmt'>): void {
  const b = fc.body;
  const bodyFailed = b.newLocal();
  b.i32(1).set(bodyFailed);
  b.block();
  fc.stmts(s.block);
  b.i32(0).set(bodyFailed);
  b.end();
  // The negated block ran to its end: `not` is false, so this block fails.
  b.get(bodyFailed).eqz().brIf(0);
}

function pushPath(fc: FnCompiler, path: readonly number[]): void {
  const b = fc.body;
  const arr = b.newLocal();
  b.i32(path.length).call(fc.rt('opa_array_with_cap')).set(arr);
  for (const seg of path) b.get(arr).i32(fc.stringConst(seg)).call(fc.rt('opa_array_append'));
  b.get(arr);
}

export function compileWith(fc: FnCompiler, s: StmtOf<'WithStmt'>): void {
  const b = fc.body;
  const target = fc.local(s.local);
  const saved = b.newLocal();
  const undefinedFlag = b.newLocal();
  b.get(target).set(saved);
  const path = s.path ?? [];
  if (path.length === 0) {
    fc.read(s.value);
  } else {
    b.get(target);
    pushPath(fc, path);
    fc.read(s.value);
    b.call(fc.rt('opa_value_with'));
  }
  b.set(target);
  b.i32(1).set(undefinedFlag);
  // Memoized rules must neither use nor fill their cache while the with is in force.
  const depth = fc.env.memo.withDepth;
  b.globalGet(depth).i32(1).add().globalSet(depth);
  b.block();
  fc.stmts(s.block);
  b.i32(0).set(undefinedFlag);
  b.end();
  b.globalGet(depth).i32(1).sub().globalSet(depth);
  b.get(saved).set(target);
  b.get(undefinedFlag).brIf(0);
}
