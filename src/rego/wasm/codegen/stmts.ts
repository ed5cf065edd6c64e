// IR statement -> Wasm, one handler per statement type. Semantics follow OPA's Wasm backend:
// a statement that fails (undefined, not equal, wrong type) breaks out of the innermost block.
import type { Operand, Stmt, StmtOf, StmtType } from '../../ir/types.js';
import { compileCall, compileCallDynamic } from './calls.js';
import { compileNot, compileScan, compileWith } from './control.js';
import type { FnCompiler } from './env.js';

const TAG_BOOLEAN = 2;
const TAG_ARRAY = 5;
const TAG_OBJECT = 6;
const TAG_SET = 7;

type Handlers = { [K in StmtType]: (fc: FnCompiler, s: StmtOf<K>) => void };

function sameOperand(a: Operand, b: Operand): boolean {
  return a.type === b.type && a.value === b.value;
}

function typeCheck(fc: FnCompiler, source: Operand, tag: number): void {
  if (source.type !== 'local') {
    fc.body.br(0);
    return;
  }
  fc.body.get(fc.local(source.value)).call(fc.rt('opa_value_type')).i32(tag).ne().brIf(0);
}

/**
 * A local compared with a boolean constant, inline rather than through opa_value_equal: leaves the
 * enclosing IR block when they are equal (`breakIfEqual`) or when they are not (undefined, another
 * type or the other boolean). The compiler's booleans are its own statics, not the runtime's, so
 * the test reads the tag and payload instead of comparing addresses.
 */
function boolCompare(fc: FnCompiler, local: number, value: boolean, breakIfEqual: boolean): void {
  const b = fc.body;
  const l = fc.local(local);
  const payloadDiffers = (): void => {
    b.get(l).load(4);
    if (value) b.eqz();
  };
  if (breakIfEqual) {
    b.block();
    b.get(l).eqz().brIf(0);
    b.get(l).load8u().i32(TAG_BOOLEAN).ne().brIf(0);
    payloadDiffers();
    b.eqz().brIf(1);
    b.end();
    return;
  }
  b.block().block();
  b.get(l).eqz().brIf(0);
  b.get(l).load8u().i32(TAG_BOOLEAN).ne().brIf(0);
  payloadDiffers();
  b.brIf(0);
  b.br(1);
  b.end();
  b.br(1);
  b.end();
}

/** The constant boolean side of a comparison with a local, if it is one. */
function localVsBool(a: Operand, b: Operand): { local: number; value: boolean } | undefined {
  if (a.type === 'local' && b.type === 'bool') return { local: a.value, value: b.value };
  if (b.type === 'local' && a.type === 'bool') return { local: b.value, value: a.value };
  return undefined;
}

/** A cached lookup that found nothing (values are 8-aligned addresses, never 1). */
const CACHED_UNDEFINED = 1;

/**
 * DotStmt through its path's cache local (0 = not looked up yet): the runtime lookup runs once per
 * call. "Undefined" is cached only when the source was defined: a source read before it was ever
 * assigned (0) must not leave an answer behind for when it is.
 */
function cachedDot(fc: FnCompiler, s: StmtOf<'DotStmt'>, cache: number): void {
  const b = fc.body;
  b.block();
  b.get(cache).brIf(0);
  fc.read(s.source);
  fc.read(s.key);
  b.call(fc.rt('opa_value_get')).tee(cache).brIf(0);
  fc.read(s.source);
  b.eqz().brIf(1);
  b.i32(CACHED_UNDEFINED).set(cache);
  b.end();
  b.get(cache).i32(CACHED_UNDEFINED).eq().brIf(0);
  b.get(cache).set(fc.local(s.target));
}

/** Breaks out of the current block when the value on the stack is 0 (undefined). */
function setOrBreak(fc: FnCompiler, target: number): void {
  fc.body.tee(fc.local(target)).eqz().brIf(0);
}

const handlers: Handlers = {
  ArrayAppendStmt(fc, s) {
    fc.body.get(fc.local(s.array));
    fc.read(s.value);
    fc.body.call(fc.rt('opa_array_append'));
  },
  AssignIntStmt(fc, s) {
    fc.body.i64(BigInt(s.value)).call(fc.rt('opa_number_int')).set(fc.local(s.target));
  },
  AssignVarOnceStmt(fc, s) {
    const target = fc.local(s.target);
    const b = fc.body;
    b.block().block();
    b.get(target).eqz().brIf(0);
    b.get(target);
    fc.read(s.source);
    b.call(fc.rt('opa_value_equal')).brIf(1);
    fc.abort(`${fc.where(s)}var assignment conflict`);
    b.end();
    fc.read(s.source);
    b.set(target).end();
  },
  AssignVarStmt(fc, s) {
    fc.read(s.source);
    fc.body.set(fc.local(s.target));
  },
  BlockStmt(fc, s) {
    for (const block of s.blocks ?? []) fc.wrapped(block);
  },
  BreakStmt(fc, s) {
    fc.body.br(s.index);
  },
  CallDynamicStmt: compileCallDynamic,
  CallStmt: compileCall,
  DotStmt(fc, s) {
    if (s.source.type !== 'local') {
      fc.body.br(0);
      return;
    }
    const path = fc.dotPaths.get(s);
    if (path !== undefined) return cachedDot(fc, s, fc.dotCache(path));
    fc.read(s.source);
    fc.read(s.key);
    fc.body.call(fc.rt('opa_value_get'));
    setOrBreak(fc, s.target);
  },
  EqualStmt(fc, s) {
    if (sameOperand(s.a, s.b)) return;
    const vsBool = localVsBool(s.a, s.b);
    if (vsBool !== undefined) return boolCompare(fc, vsBool.local, vsBool.value, false);
    fc.read(s.a);
    fc.read(s.b);
    fc.body.call(fc.rt('opa_value_equal')).eqz().brIf(0);
  },
  IsArrayStmt(fc, s) {
    typeCheck(fc, s.source, TAG_ARRAY);
  },
  IsDefinedStmt(fc, s) {
    fc.body.get(fc.local(s.source)).eqz().brIf(0);
  },
  IsObjectStmt(fc, s) {
    typeCheck(fc, s.source, TAG_OBJECT);
  },
  IsSetStmt(fc, s) {
    typeCheck(fc, s.source, TAG_SET);
  },
  IsUndefinedStmt(fc, s) {
    fc.body.get(fc.local(s.source)).brIf(0);
  },
  LenStmt(fc, s) {
    fc.read(s.source);
    fc.body.call(fc.rt('opa_value_length')).i64ExtendU().call(fc.rt('opa_number_int')).set(fc.local(s.target));
  },
  MakeArrayStmt(fc, s) {
    fc.body.i32(s.capacity).call(fc.rt('opa_array_with_cap')).set(fc.local(s.target));
  },
  MakeNullStmt(fc, s) {
    fc.body.call(fc.rt('opa_null')).set(fc.local(s.target));
  },
  MakeNumberIntStmt(fc, s) {
    fc.body.i64(BigInt(s.value)).call(fc.rt('opa_number_int')).set(fc.local(s.target));
  },
  MakeNumberRefStmt(fc, s) {
    const text = fc.env.strings[s.Index];
    if (text === undefined) throw new Error(`string index ${s.Index} out of range`);
    const blob = fc.env.statics.utf8(text);
    fc.body.i32(blob.addr).i32(blob.len).call(fc.rt('opa_number_ref')).set(fc.local(s.target));
  },
  MakeObjectStmt(fc, s) {
    fc.body.call(fc.rt('opa_object')).set(fc.local(s.target));
  },
  MakeSetStmt(fc, s) {
    fc.body.call(fc.rt('opa_set')).set(fc.local(s.target));
  },
  NopStmt() {},
  NotEqualStmt(fc, s) {
    if (sameOperand(s.a, s.b)) {
      fc.body.br(0);
      return;
    }
    const bothConst = s.a.type !== 'local' && s.a.type === s.b.type;
    if (bothConst) return;
    const vsBool = localVsBool(s.a, s.b);
    if (vsBool !== undefined) return boolCompare(fc, vsBool.local, vsBool.value, true);
    fc.read(s.a);
    fc.read(s.b);
    fc.body.call(fc.rt('opa_value_equal')).brIf(0);
  },
  NotStmt: compileNot,
  ObjectInsertOnceStmt(fc, s) {
    fc.body.get(fc.local(s.object));
    fc.read(s.key);
    fc.read(s.value);
    fc.body.call(fc.rt('opa_object_insert_once'));
  },
  ObjectInsertStmt(fc, s) {
    fc.body.get(fc.local(s.object));
    fc.read(s.key);
    fc.read(s.value);
    fc.body.call(fc.rt('opa_object_insert'));
  },
  ObjectMergeStmt(fc, s) {
    fc.body.get(fc.local(s.a)).get(fc.local(s.b)).call(fc.rt('opa_value_merge')).set(fc.local(s.target));
  },
  ResetLocalStmt(fc, s) {
    fc.body.i32(0).set(fc.local(s.target));
  },
  ResultSetAddStmt(fc, s) {
    if (fc.ctxLocal === null) throw new Error('ResultSetAddStmt outside a plan');
    fc.body.get(fc.ctxLocal).load(8).get(fc.local(s.value)).call(fc.rt('opa_set_add'));
  },
  ReturnLocalStmt(fc, s) {
    fc.body.get(fc.local(s.source)).return();
  },
  ScanStmt: compileScan,
  SetAddStmt(fc, s) {
    fc.body.get(fc.local(s.set));
    fc.read(s.value);
    fc.body.call(fc.rt('opa_set_add'));
  },
  WithStmt: compileWith,
};

export function compileStmt(fc: FnCompiler, stmt: Stmt): void {
  const handler = handlers[stmt.type] as unknown as ((fc: FnCompiler, s: unknown) => void) | undefined;
  if (handler === undefined) throw new Error(`unsupported IR statement ${String(stmt.type)}`);
  handler(fc, stmt.stmt);
}
