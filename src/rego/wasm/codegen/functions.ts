// Wasm functions generated per policy: one per IR function, one per plan, and the ABI's
// `eval`, `entrypoints` and `builtins`.
import type { Func, Plan } from '../../ir/types.js';
import { DATA_LOCAL, INPUT_LOCAL } from '../../ir/types.js';
import { FuncBody } from '../binary/code.js';
import { cachedDotPaths } from '../../ir/analysis/invariant-lookups.js';
import { FnCompiler, type PolicyEnv } from './env.js';
import { emitNewEvaluation } from './memo.js';
import { compileStmt } from './stmts.js';

const CTX_INPUT = 0;
const CTX_DATA = 4;
const CTX_ENTRYPOINT = 12;

export function compileFunc(env: PolicyEnv, fn: Func): Uint8Array {
  const fc = new FnCompiler(env, fn.params.length, null, compileStmt, cachedDotPaths(fn));
  fn.params.forEach((p, i) => fc.bind(p, i));
  for (const block of fn.blocks) fc.wrapped(block);
  // Falling off the end (every block broke out) leaves the return local undefined or as assigned.
  fc.body.get(fc.local(fn.return));
  return fc.body.finish();
}

/** A plan runs with the eval context as its only parameter and adds to the context's result set. */
export function compilePlan(env: PolicyEnv, plan: Plan): Uint8Array {
  const ctx = 0;
  const fc = new FnCompiler(env, 1, ctx, compileStmt);
  fc.body.get(ctx).load(CTX_INPUT).set(fc.local(INPUT_LOCAL));
  fc.body.get(ctx).load(CTX_DATA).set(fc.local(DATA_LOCAL));
  for (const block of plan.blocks) fc.wrapped(block);
  fc.body.i32(0);
  return fc.body.finish();
}

export function compileEval(env: PolicyEnv, planFuncs: readonly number[]): Uint8Array {
  const b = new FuncBody(1);
  const eid = b.newLocal();
  emitNewEvaluation(b, env.memo);
  b.get(0).load(CTX_ENTRYPOINT).set(eid);
  planFuncs.forEach((fidx, id) => {
    b.get(eid).i32(id).eq().if();
    b.get(0).call(fidx).return();
    b.end();
  });
  b.i32(env.statics.message('invalid entrypoint id')).call(env.rt.envImport('opa_abort')).unreachable();
  return b.finish();
}

/** A function returning a value parsed from a JSON constant (entrypoints and builtins maps). */
export function compileJsonConst(env: PolicyEnv, json: string): Uint8Array {
  const blob = env.statics.utf8(json);
  const b = new FuncBody(0);
  b.i32(blob.addr).i32(blob.len).call(env.rt.func('opa_json_parse'));
  return b.finish();
}

/** `(v) -> string value`: the Rego text of v (opa_value_dump writes it NUL-terminated). */
export function compileValueText(env: PolicyEnv): Uint8Array {
  const b = new FuncBody(1);
  const addr = b.newLocal();
  const len = b.newLocal();
  b.get(0).call(env.rt.func('opa_value_dump')).set(addr);
  b.block().loop();
  b.get(addr).get(len).add().load8u().eqz().brIf(1);
  b.get(len).i32(1).add().set(len);
  b.br(0);
  b.end().end();
  b.get(addr).get(len).call(env.rt.func('opa_string'));
  return b.finish();
}
