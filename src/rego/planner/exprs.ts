// Bodies and expressions. A body is ordered for safety first, then planned expression by
// expression, each continuation nested inside the blocks its predecessor opened.
import type { Body, Expr, Term } from '../ast/types.js';
import type { Local, Operand } from '../ir/types.js';
import { checkHeadSafe, isOp, orderBody } from '../passes/safety.js';
import { operatorName } from '../passes/walk.js';
import { bool, local } from './builder.js';
import { isRelation, planCall, planRelation } from './calls.js';
import type { Ctx, PTerm } from './context.js';
import { planTerm, toLocal } from './terms.js';
import { unify } from './unify.js';
import { planWith } from './with.js';
import { walkVars } from '../passes/vars.js';

/**
 * Plans `body` and then `k` for each solution. `head` terms are what the caller evaluates in
 * `k`: their vars must be bound by the body (otherwise rego_unsafe_var_error).
 */
export function planBody(c: Ctx, body: Body, k: () => void, head: readonly PTerm[] = []): void {
  const headVars = new Set<string>();
  for (const t of head) if (t.type !== 'local') walkVars(t, (v) => headVars.add(v.value));
  const { ordered, bound } = orderBody(body, c.scope.boundNames(), (op) => c.shared.arity(op as Extract<Term, { type: 'ref' }>), headVars);
  const at = body[0]?.location;
  if (at) checkHeadSafe(head.filter((t): t is Term => t.type !== 'local'), bound, at);
  const step = (i: number): void => {
    const e = ordered[i];
    if (e === undefined) return k();
    planExpr(c, e, () => step(i + 1));
  };
  step(0);
}

function planExpr(c: Ctx, e: Expr, k: () => void): void {
  c.setAt(e.location);
  if (e.with.length > 0) return planWith(c, e, 0, k);
  planModified(c, e, k);
}

export function planModified(c: Ctx, e: Expr, k: () => void): void {
  if (!e.negated) return planPositive(c, e, k);
  const found = solutionFlag(c, (set) => c.nested(() => planPositive(c, e, set)));
  c.fb.emit('IsUndefinedStmt', { source: found });
  k();
}

/**
 * "Has at least one solution" as a flag local. A NotStmt would not do: its block completes
 * whenever a Scan inside it runs out of elements, solution or not (OPA's planner uses flags too).
 */
function solutionFlag(c: Ctx, plan: (found: () => void) => void): Local {
  const flag = c.fb.local();
  c.fb.emit('ResetLocalStmt', { target: flag });
  const found = (): void => c.fb.emit('AssignVarStmt', { source: bool(true), target: flag });
  c.fb.emit('BlockStmt', { blocks: [c.fb.block(() => plan(found))] });
  return flag;
}

function truthy(c: Ctx, op: Operand, k: () => void): void {
  if (!(op.type === 'bool' && op.value)) c.fb.emit('NotEqualStmt', { a: op, b: bool(false) });
  k();
}

function planPositive(c: Ctx, e: Expr, k: () => void): void {
  const t = e.terms;
  switch (t.kind) {
    case 'term':
      return planTerm(c, t.term, (op) => truthy(c, op, k));
    case 'some':
      if (t.decl.kind === 'vars') {
        for (const v of t.decl.vars) c.scope.declare(v.value);
        return k();
      }
      return planSomeIn(c, t.decl.key, t.decl.value, t.decl.collection, k);
    case 'every':
      return planEvery(c, t.every, k);
    case 'call': {
      const name = operatorName(t.operator);
      const [a, b] = t.args as [Term, Term];
      if (isOp(e, 'eq')) return unify(c, a, b, k);
      if (isOp(e, 'assign')) {
        walkVars(a, (v) => c.scope.declare(v.value));
        return unify(c, a, b, k);
      }
      if (name === 'print') return k();
      const n = c.shared.arity(t.operator);
      if (n !== undefined && n >= 0 && t.args.length === n + 1) {
        const out = t.args[n] as Term;
        if (isRelation(name)) {
          return planRelation(c, t.operator, t.args.slice(0, n), (vl) => unify(c, out, { type: 'local', local: vl, location: out.location }, k));
        }
        return planCall(c, t.operator, t.args.slice(0, n), (op) => unify(c, out, { type: 'local', local: toLocal(c, op), location: out.location }, k));
      }
      return planCall(c, t.operator, t.args, (op) => truthy(c, op, k));
    }
  }
}

function planSomeIn(c: Ctx, key: Term | undefined, value: Term, coll: Term, k: () => void): void {
  planTerm(c, coll, (op) => {
    const src = toLocal(c, op);
    const kl = c.fb.local();
    const vl = c.fb.local();
    for (const t of key ? [key, value] : [value]) walkVars(t, (v) => c.scope.declare(v.value));
    const block = c.fb.block(() => {
      const loc = value.location;
      const withValue = (): void => unify(c, value, { type: 'local', local: vl, location: loc }, k);
      if (key) unify(c, key, { type: 'local', local: kl, location: key.location }, withValue);
      else withValue();
    });
    c.fb.emit('ScanStmt', { source: src, key: kl, value: vl, block });
  });
}

function planEvery(c: Ctx, ev: Extract<Expr['terms'], { kind: 'every' }>['every'], k: () => void): void {
  planTerm(c, ev.domain, (op) => {
    const src = toLocal(c, op);
    requireCollection(c, src);
    const failed = c.fb.local();
    c.fb.emit('ResetLocalStmt', { target: failed });
    const kl = c.fb.local();
    const vl = c.fb.local();
    const block = c.fb.block(() =>
      c.nested(() => {
        for (const t of ev.key ? [ev.key, ev.value] : [ev.value]) walkVars(t, (v) => c.scope.declare(v.value));
        const inner = (): void => {
          const ok = solutionFlag(c, (set) => c.nested(() => planBody(c, ev.body, set)));
          c.fb.emit('IsUndefinedStmt', { source: ok });
          c.fb.emit('AssignVarStmt', { source: bool(true), target: failed });
        };
        const withValue = (): void => unify(c, ev.value, { type: 'local', local: vl, location: ev.value.location }, inner);
        if (ev.key) unify(c, ev.key, { type: 'local', local: kl, location: ev.key.location }, withValue);
        else withValue();
      }),
    );
    c.fb.emit('ScanStmt', { source: src, key: kl, value: vl, block });
    c.fb.emit('IsUndefinedStmt', { source: failed });
    k();
  });
}

/** `every` over a scalar is undefined, not vacuously true. */
function requireCollection(c: Ctx, src: Local): void {
  const ok = c.fb.local();
  c.fb.emit('ResetLocalStmt', { target: ok });
  const alt = (stmt: 'IsArrayStmt' | 'IsObjectStmt' | 'IsSetStmt') =>
    c.fb.block(() => {
      c.fb.emit(stmt, { source: local(src) });
      c.fb.emit('AssignVarStmt', { source: bool(true), target: ok });
    });
  c.fb.emit('BlockStmt', { blocks: [alt('IsArrayStmt'), alt('IsObjectStmt'), alt('IsSetStmt')] });
  c.fb.emit('IsDefinedStmt', { source: ok });
}
