// Terms to operands, in continuation-passing style: `k` runs where the term's value is
// available, possibly inside Scan blocks when the term iterates (refs with unbound vars).
import type { Term } from '../ast/types.js';
import type { Local, Operand } from '../ir/types.js';
import { fail } from '../passes/errors.js';
import { bool, local, strOp } from './builder.js';
import type { Ctx, PTerm } from './context.js';
import { isRelation, planCall, planRelation } from './calls.js';
import { operatorName } from '../passes/walk.js';
import { planDataRef } from './data.js';
import { planBody } from './exprs.js';
import { bindVar, unify } from './unify.js';

export type K<T> = (v: T) => void;

export function isBound(c: Ctx, t: PTerm): boolean {
  return t.type === 'var' && c.scope.lookup(t.value) !== undefined;
}

/** True when the term contains a var that is not bound yet (outside comprehension bodies). */
export function hasUnbound(c: Ctx, t: PTerm): boolean {
  switch (t.type) {
    case 'var':
      return c.scope.lookup(t.value) === undefined && t.value !== 'input' && t.value !== 'data';
    case 'ref':
      return hasUnbound(c, t.head) || t.path.some((p) => hasUnbound(c, p));
    case 'array':
    case 'set':
      return t.value.some((x) => hasUnbound(c, x));
    case 'object':
      return t.value.some(([a, b]) => hasUnbound(c, a) || hasUnbound(c, b));
    case 'call':
      return t.args.some((a) => hasUnbound(c, a));
    default:
      return false;
  }
}

export function toLocal(c: Ctx, op: Operand): Local {
  if (op.type === 'local') return op.value;
  const l = c.fb.local();
  c.fb.emit('AssignVarStmt', { source: op, target: l });
  return l;
}

function planNumber(c: Ctx, text: string): Operand {
  const l = c.fb.local();
  if (/^-?\d+$/.test(text) && Math.abs(Number(text)) < 2 ** 31) {
    c.fb.emit('MakeNumberIntStmt', { value: Number(text), target: l });
  } else {
    c.fb.emit('MakeNumberRefStmt', { Index: c.shared.policy.str(text), target: l });
  }
  return local(l);
}

export function planTerm(c: Ctx, t: PTerm, k: K<Operand>): void {
  switch (t.type) {
    case 'local':
      return k(local(t.local));
    case 'null': {
      const l = c.fb.local();
      c.fb.emit('MakeNullStmt', { target: l });
      return k(local(l));
    }
    case 'boolean':
      return k(bool(t.value));
    case 'number':
      return k(planNumber(c, t.value));
    case 'string':
      return k(strOp(c.shared.policy.str(t.value)));
    case 'var': {
      if (t.value === 'input') {
        c.fb.emit('IsDefinedStmt', { source: 0 });
        return k(local(0));
      }
      if (t.value === 'data') return planDataRef(c, [], k);
      const l = c.scope.lookup(t.value);
      if (l === undefined) fail('rego_unsafe_var_error', `var ${t.value} is unsafe`, t.location);
      return k(local(l));
    }
    case 'ref':
      return planRef(c, t, k);
    case 'array':
      return planElems(c, t.value, 0, [], (ops) => {
        const a = c.fb.local();
        c.fb.emit('MakeArrayStmt', { capacity: ops.length, target: a });
        for (const op of ops) c.fb.emit('ArrayAppendStmt', { array: a, value: op });
        k(local(a));
      });
    case 'set':
      return planElems(c, t.value, 0, [], (ops) => {
        const s = c.fb.local();
        c.fb.emit('MakeSetStmt', { target: s });
        for (const op of ops) c.fb.emit('SetAddStmt', { value: op, set: s });
        k(local(s));
      });
    case 'object':
      return planElems(c, t.value.flatMap(([a, b]) => [a, b]), 0, [], (ops) => {
        const o = c.fb.local();
        c.fb.emit('MakeObjectStmt', { target: o });
        for (let i = 0; i + 1 < ops.length; i += 2) {
          c.fb.emit('ObjectInsertStmt', { key: ops[i] as Operand, value: ops[i + 1] as Operand, object: o });
        }
        k(local(o));
      });
    case 'call':
      // `walk(x)` as a term (`[p, v] := walk(x)`) ranges over the relation's outputs.
      if (isRelation(operatorName(t.operator)) && t.args.length === c.shared.arity(t.operator)) {
        return planRelation(c, t.operator, t.args, (vl) => k(local(vl)));
      }
      return planCall(c, t.operator, t.args, k);
    case 'arraycomprehension':
    case 'setcomprehension':
    case 'objectcomprehension':
      return k(local(planComprehension(c, t)));
  }
}

/** Scalars and collections of them: planning them never iterates, so `k` runs exactly once. */
function isConstant(t: PTerm): boolean {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
    case 'local':
      return true;
    case 'array':
    case 'set':
      return t.value.every(isConstant);
    case 'object':
      return t.value.every(([a, b]) => isConstant(a) && isConstant(b));
    default:
      return false;
  }
}

/**
 * Plans terms left to right, collecting their operands. Runs of constants are planned in a loop
 * rather than by nested continuations, so a large literal (test data) does not nest one stack
 * frame per element.
 */
export function planElems(c: Ctx, ts: readonly PTerm[], i: number, acc: Operand[], k: K<Operand[]>): void {
  const ops = [...acc];
  let j = i;
  for (let t = ts[j]; t !== undefined && isConstant(t); t = ts[++j]) {
    planTerm(c, t, (op) => ops.push(op));
  }
  const t = ts[j];
  if (t === undefined) return k(ops);
  planTerm(c, t, (op) => planElems(c, ts, j + 1, [...ops, op], k));
}

function planComprehension(c: Ctx, t: Extract<Term, { type: `${string}comprehension` }>): Local {
  const target = c.fb.local();
  const make = t.type === 'arraycomprehension' ? 'MakeArrayStmt' : t.type === 'setcomprehension' ? 'MakeSetStmt' : 'MakeObjectStmt';
  if (make === 'MakeArrayStmt') c.fb.emit('MakeArrayStmt', { capacity: 0, target });
  else c.fb.emit(make, { target });
  const block = c.fb.block(() =>
    c.nested(() =>
      planBody(c, t.body, () => {
        if (t.type === 'objectcomprehension') {
          planTerm(c, t.key, (ko) => planTerm(c, t.value, (vo) => c.fb.emit('ObjectInsertOnceStmt', { key: ko, value: vo, object: target })));
        } else {
          planTerm(c, t.term, (vo) => {
            if (t.type === 'arraycomprehension') c.fb.emit('ArrayAppendStmt', { array: target, value: vo });
            else c.fb.emit('SetAddStmt', { value: vo, set: target });
          });
        }
      }, [t.type === 'objectcomprehension' ? [t.key, t.value] : [t.term]].flat()),
    ),
  );
  c.fb.emit('BlockStmt', { blocks: [block] });
  return target;
}

export function planRef(c: Ctx, t: Extract<Term, { type: 'ref' }>, k: K<Operand>): void {
  const h = t.head;
  if (h.type === 'var' && h.value === 'data') return planDataRef(c, t.path, k);
  if (h.type === 'var' && h.value === 'input') {
    // An undefined input is no value: a bare `input` must not flow on as an operand.
    if (t.path.length === 0) c.fb.emit('IsDefinedStmt', { source: 0 });
    return planPath(c, 0, t.path, 0, k);
  }
  planTerm(c, h, (op) => planPath(c, toLocal(c, op), t.path, 0, k));
}

/** Walks `path[i..]` from `src`: Dot for bound keys, Scan for unbound ones. */
export function planPath(c: Ctx, src: Local, path: readonly PTerm[], i: number, k: K<Operand>): void {
  const e = path[i];
  if (e === undefined) return k(local(src));
  if (!hasUnbound(c, e)) {
    return planTerm(c, e, (key) => {
      const t = c.fb.local();
      c.fb.emit('DotStmt', { source: local(src), key, target: t });
      planPath(c, t, path, i + 1, k);
    });
  }
  const kl = c.fb.local();
  const vl = c.fb.local();
  const block = c.fb.block(() => {
    if (e.type === 'var') {
      bindVar(c, e.value, local(kl));
      planPath(c, vl, path, i + 1, k);
    } else {
      unify(c, e, { type: 'local', local: kl, location: e.location }, () => planPath(c, vl, path, i + 1, k));
    }
  });
  c.fb.emit('ScanStmt', { source: src, key: kl, value: vl, block });
}
