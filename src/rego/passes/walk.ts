// Generic visitors over rules and bodies: every term (deeply, including comprehension bodies,
// `every` bodies, `with` modifiers) and every call operator with its argument count.
import type { Body, Expr, RefTerm, Rule, Term } from '../ast/types.js';

export interface Visitor {
  term?(t: Term): void;
  call?(operator: RefTerm, argc: number, at: Expr['location']): void;
}

export function visitTerm(t: Term, v: Visitor): void {
  v.term?.(t);
  switch (t.type) {
    case 'ref':
      visitTerm(t.head, v);
      t.path.forEach((p) => visitTerm(p, v));
      return;
    case 'array':
    case 'set':
      t.value.forEach((x) => visitTerm(x, v));
      return;
    case 'object':
      t.value.forEach(([k, x]) => (visitTerm(k, v), visitTerm(x, v)));
      return;
    case 'call':
      v.call?.(t.operator, t.args.length, t.location);
      t.args.forEach((a) => visitTerm(a, v));
      return;
    case 'arraycomprehension':
    case 'setcomprehension':
      visitTerm(t.term, v);
      visitBody(t.body, v);
      return;
    case 'objectcomprehension':
      visitTerm(t.key, v);
      visitTerm(t.value, v);
      visitBody(t.body, v);
      return;
    default:
      return;
  }
}

export function visitExpr(e: Expr, v: Visitor): void {
  const t = e.terms;
  switch (t.kind) {
    case 'term':
      visitTerm(t.term, v);
      break;
    case 'call':
      v.call?.(t.operator, t.args.length, e.location);
      t.args.forEach((a) => visitTerm(a, v));
      break;
    case 'some':
      if (t.decl.kind === 'in') {
        if (t.decl.key) visitTerm(t.decl.key, v);
        visitTerm(t.decl.value, v);
        visitTerm(t.decl.collection, v);
      }
      break;
    case 'every':
      if (t.every.key) visitTerm(t.every.key, v);
      visitTerm(t.every.value, v);
      visitTerm(t.every.domain, v);
      visitBody(t.every.body, v);
      break;
  }
  for (const w of e.with) {
    visitTerm(w.value, v);
  }
}

export function visitBody(b: Body, v: Visitor): void {
  b.forEach((e) => visitExpr(e, v));
}

export function visitRule(r: Rule, v: Visitor): void {
  for (let x: Rule | undefined = r; x; x = x.else) {
    const h = x.head;
    h.ref.path.forEach((p) => visitTerm(p, v));
    if (h.kind === 'function') h.args.forEach((a) => visitTerm(a, v));
    if (h.kind === 'contains') visitTerm(h.key, v);
    else visitTerm(h.value, v);
    visitBody(x.body, v);
  }
}

/** `count`, `internal.member_2`, or `data.a.f` for a call operator ref; undefined if dynamic. */
export function operatorName(op: RefTerm): string | undefined {
  if (op.head.type !== 'var') return undefined;
  const parts = [op.head.value];
  for (const p of op.path) {
    if (p.type !== 'string') return undefined;
    parts.push(p.value);
  }
  return parts.join('.');
}
