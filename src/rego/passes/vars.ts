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

type Comprehension = Extract<Term, { type: `${string}comprehension` }>;

/** The comprehensions directly inside a term (not those nested in their bodies). */
function comprehensionsIn(t: Term, out: Comprehension[] = []): Comprehension[] {
  switch (t.type) {
    case 'ref':
      comprehensionsIn(t.head, out);
      t.path.forEach((p) => comprehensionsIn(p, out));
      break;
    case 'array':
    case 'set':
      t.value.forEach((x) => comprehensionsIn(x, out));
      break;
    case 'object':
      t.value.forEach(([k, v]) => (comprehensionsIn(k, out), comprehensionsIn(v, out)));
      break;
    case 'call':
      t.args.forEach((a) => comprehensionsIn(a, out));
      break;
    case 'arraycomprehension':
    case 'setcomprehension':
    case 'objectcomprehension':
      out.push(t);
      break;
    default:
      break;
  }
  return out;
}

/** Vars a body declares for itself: `x := ...` targets and `some` vars shadow outer ones. */
function declaredIn(body: Body): Set<string> {
  const out = new Set<string>();
  const add = (t: Term): void => walkVars(t, (v) => out.add(v.value));
  for (const e of body) {
    const t = e.terms;
    if (t.kind === 'call' && t.operator.head.type === 'var' && t.operator.head.value === 'assign' && t.operator.path.length === 0) add(t.args[0] as Term);
    else if (t.kind === 'some' && t.decl.kind === 'vars') t.decl.vars.forEach(add);
    else if (t.kind === 'some' && t.decl.kind === 'in') [...(t.decl.key ? [t.decl.key] : []), t.decl.value].forEach(add);
  }
  return out;
}

function visitFree(t: Term, local: ReadonlySet<string>, f: (v: VarTerm) => void): void {
  walkVars(t, (v) => {
    if (!local.has(v.value)) f(v);
  });
  walkNestedFreeVars(t, f, local);
}

/** Vars of a nested body that are not its own (declared by it or in `shadow`). */
export function walkFreeBodyVars(body: Body, shadow: ReadonlySet<string>, f: (v: VarTerm) => void): void {
  const local = new Set([...shadow, ...declaredIn(body)]);
  for (const e of body) {
    const t = e.terms;
    if (t.kind === 'every') {
      visitFree(t.every.domain, local, f);
      const inner = new Set(local);
      for (const x of t.every.key ? [t.every.key, t.every.value] : [t.every.value]) walkVars(x, (v) => inner.add(v.value));
      walkFreeBodyVars(t.every.body, inner, f);
    } else {
      for (const x of exprTerms(e)) visitFree(x, local, f);
    }
    for (const w of e.with) visitFree(w.value, local, f);
  }
}

/**
 * Vars that the comprehensions inside `t` read from the enclosing body: a var a comprehension
 * declares itself (`[x | x := ...]`) is its own, even when the enclosing body has an `x` too.
 */
export function walkNestedFreeVars(t: Term, f: (v: VarTerm) => void, shadow: ReadonlySet<string> = new Set()): void {
  for (const c of comprehensionsIn(t)) {
    const local = new Set([...shadow, ...declaredIn(c.body)]);
    for (const head of c.type === 'objectcomprehension' ? [c.key, c.value] : [c.term]) visitFree(head, local, f);
    walkFreeBodyVars(c.body, shadow, f);
  }
}
