// Unification (`=`, `:=`, function arguments, `some ... in` patterns): binds unbound vars to
// values, destructures array/object patterns, and compares everything else with EqualStmt.
import type { Operand } from '../ir/types.js';
import { local } from './builder.js';
import { sameScalar } from '../passes/safety.js';
import type { Ctx, PTerm } from './context.js';
import { planTerm, toLocal } from './terms.js';

export function bindVar(c: Ctx, name: string, op: Operand): void {
  // input/data locals change under `with`, so bindings to them take a copy.
  const l = op.type === 'local' && op.value > 1 ? op.value : toLocal(c, op.type === 'local' ? copyOf(c, op) : op);
  c.scope.bind(name, l);
}

function copyOf(c: Ctx, op: Operand): Operand {
  const l = c.fb.local();
  c.fb.emit('AssignVarStmt', { source: op, target: l });
  return local(l);
}

function isUnboundVar(c: Ctx, t: PTerm): t is Extract<PTerm, { type: 'var' }> {
  return t.type === 'var' && t.value !== 'input' && t.value !== 'data' && c.scope.lookup(t.value) === undefined;
}

/** An array/object literal with unbound vars outside refs: destructured, not evaluated. */
function isPattern(c: Ctx, t: PTerm): boolean {
  if (t.type === 'array') return t.value.some((x) => isUnboundVar(c, x) || isPattern(c, x));
  if (t.type === 'object') return t.value.some(([, x]) => isUnboundVar(c, x) || isPattern(c, x));
  return false;
}

function never(c: Ctx): void {
  c.fb.emit('BreakStmt', { index: 0 });
}

export function unify(c: Ctx, a: PTerm, b: PTerm, k: () => void): void {
  if (isUnboundVar(c, a)) {
    if (isUnboundVar(c, b)) {
      // Both unbound (only possible for wildcards): nothing to bind.
      return k();
    }
    return planTerm(c, b, (op) => {
      bindVar(c, a.value, op);
      k();
    });
  }
  if (isUnboundVar(c, b)) return unify(c, b, a, k);
  if (a.type === 'array' && b.type === 'array') {
    if (a.value.length !== b.value.length) return never(c);
    return unifyPairs(c, a.value, b.value, 0, k);
  }
  if (a.type === 'object' && b.type === 'object' && isPattern(c, a) && isPattern(c, b)) {
    const pairs = a.value.map(([k, x]) => [x, b.value.find(([k2]) => sameScalar(k, k2))?.[1]] as const);
    if (a.value.length !== b.value.length || pairs.some(([, y]) => y === undefined)) return never(c);
    return unifyPairs(c, pairs.map(([x]) => x), pairs.map(([, y]) => y as PTerm), 0, k);
  }
  if (isPattern(c, a)) return planTerm(c, b, (op) => destructure(c, a, toLocal(c, op), k));
  if (isPattern(c, b)) return planTerm(c, a, (op) => destructure(c, b, toLocal(c, op), k));
  planTerm(c, a, (oa) =>
    planTerm(c, b, (ob) => {
      c.fb.emit('EqualStmt', { a: oa, b: ob });
      k();
    }),
  );
}

function unifyPairs(c: Ctx, as: readonly PTerm[], bs: readonly PTerm[], i: number, k: () => void): void {
  const a = as[i];
  const b = bs[i];
  if (a === undefined || b === undefined) return k();
  unify(c, a, b, () => unifyPairs(c, as, bs, i + 1, k));
}

function destructure(c: Ctx, pat: PTerm, v: number, k: () => void): void {
  const fb = c.fb;
  const lenEq = (n: number): void => {
    const len = fb.local();
    fb.emit('LenStmt', { source: local(v), target: len });
    const want = fb.local();
    fb.emit('MakeNumberIntStmt', { value: n, target: want });
    fb.emit('EqualStmt', { a: local(len), b: local(want) });
  };
  if (pat.type === 'array') {
    fb.emit('IsArrayStmt', { source: local(v) });
    lenEq(pat.value.length);
    const step = (i: number): void => {
      const p = pat.value[i];
      if (p === undefined) return k();
      const idx = fb.local();
      fb.emit('MakeNumberIntStmt', { value: i, target: idx });
      const el = fb.local();
      fb.emit('DotStmt', { source: local(v), key: local(idx), target: el });
      unify(c, p, { type: 'local', local: el, location: p.location }, () => step(i + 1));
    };
    return step(0);
  }
  if (pat.type === 'object') {
    fb.emit('IsObjectStmt', { source: local(v) });
    lenEq(pat.value.length);
    const step = (i: number): void => {
      const entry = pat.value[i];
      if (entry === undefined) return k();
      const [kt, vt] = entry;
      planTerm(c, kt, (ko) => {
        const el = fb.local();
        fb.emit('DotStmt', { source: local(v), key: ko, target: el });
        unify(c, vt, { type: 'local', local: el, location: vt.location }, () => step(i + 1));
      });
    };
    return step(0);
  }
  unify(c, pat, { type: 'local', local: v, location: pat.location }, k);
}

