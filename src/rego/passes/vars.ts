// Variable helpers shared by the passes and the planner. Wildcards arrive from the parser as
// `$N` vars; generated names start with `__`.
import type { Body, Expr, Term, VarTerm } from '../ast/types.js';

export function isWildcard(name: string): boolean {
  return name.startsWith('$');
}

/**
 * Calls `f` on every var in `t`, not descending into comprehensions unless `deep`. `input` and
 * `data` are roots, never ordinary vars, so they are skipped.
 */
export function walkVars(t: Term, f: (v: VarTerm, inRefPath: boolean) => void, deep = false, inRef = false): void {
  switch (t.type) {
    case 'var':
      if (t.value !== 'input' && t.value !== 'data') f(t, inRef);
      return;
    case 'ref':
      walkVars(t.head, f, deep, inRef);
      for (const p of t.path) walkVars(p, f, deep, true);
      return;
    case 'array':
    case 'set':
      for (const x of t.value) walkVars(x, f, deep, inRef);
      return;
    case 'object':
      for (const [k, v] of t.value) {
        walkVars(k, f, deep, inRef);
        walkVars(v, f, deep, inRef);
      }
      return;
    case 'call':
      for (const a of t.args) walkVars(a, f, deep, inRef);
      return;
    case 'arraycomprehension':
    case 'setcomprehension':
      if (deep) {
        walkVars(t.term, f, deep);
        walkBodyVars(t.body, f);
      }
      return;
    case 'objectcomprehension':
      if (deep) {
        walkVars(t.key, f, deep);
        walkVars(t.value, f, deep);
        walkBodyVars(t.body, f);
      }
      return;
    default:
      return;
  }
}

export function exprTerms(e: Expr): Term[] {
  const t = e.terms;
  switch (t.kind) {
    case 'term':
      return [t.term];
    case 'call':
      return [...t.args];
    case 'some':
      return t.decl.kind === 'vars' ? [...t.decl.vars] : [...(t.decl.key ? [t.decl.key] : []), t.decl.value, t.decl.collection];
    case 'every':
      return [...(t.every.key ? [t.every.key] : []), t.every.value, t.every.domain];
  }
}

export function walkBodyVars(body: Body, f: (v: VarTerm, inRefPath: boolean) => void): void {
  for (const e of body) {
    for (const t of exprTerms(e)) walkVars(t, f, true);
    if (e.terms.kind === 'every') walkBodyVars(e.terms.every.body, f);
    for (const w of e.with) walkVars(w.value, f, true);
  }
}

export function varsOf(t: Term, deep = false): Set<string> {
  const out = new Set<string>();
  walkVars(t, (v) => out.add(v.value), deep);
  return out;
}

/** Comprehension/every bodies nested in a term: their free vars matter for ordering. */
export function nestedBodies(t: Term, out: Body[] = []): Body[] {
  switch (t.type) {
    case 'ref':
      nestedBodies(t.head, out);
      t.path.forEach((p) => nestedBodies(p, out));
      break;
    case 'array':
    case 'set':
      t.value.forEach((x) => nestedBodies(x, out));
      break;
    case 'object':
      t.value.forEach(([k, v]) => (nestedBodies(k, out), nestedBodies(v, out)));
      break;
    case 'call':
      t.args.forEach((a) => nestedBodies(a, out));
      break;
    case 'arraycomprehension':
    case 'setcomprehension':
    case 'objectcomprehension':
      out.push(t.body);
      break;
    default:
      break;
  }
  return out;
}
