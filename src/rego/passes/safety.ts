// Safety: orders a body so every expression runs once the vars it reads are bound (OPA's
// reorderBodyForSafety), and reports the vars no ordering can bind as rego_unsafe_var_error.
import type { Body, Expr, Term } from '../ast/types.js';
import { fail } from './errors.js';
import { isWildcard, walkFreeBodyVars, walkNestedFreeVars, walkVars } from './vars.js';

/** Operand count of a callable (builtin or user function), or undefined if unknown. */
export type ArityOf = (operator: Term) => number | undefined;

export function isOp(e: Expr, name: string): boolean {
  const t = e.terms;
  return t.kind === 'call' && t.operator.head.type === 'var' && t.operator.head.value === name && t.operator.path.length === 0;
}

/** Vars a term reads (outside ref paths), and vars its refs can bind by iteration. */
function split(t: Term, outer: ReadonlySet<string>): { reads: Set<string>; outs: Set<string> } {
  const reads = new Set<string>();
  const outs = new Set<string>();
  walkVars(t, (v, inRef) => {
    if (v.value !== 'input' && v.value !== 'data') (inRef ? outs : reads).add(v.value);
  });
  walkNestedFreeVars(t, (v) => {
    if (outer.has(v.value)) reads.add(v.value);
  });
  for (const o of outs) reads.delete(o);
  return { reads, outs };
}

function allVars(t: Term): Set<string> {
  const s = new Set<string>();
  walkVars(t, (v) => v.value !== 'input' && v.value !== 'data' && s.add(v.value));
  return s;
}

const subset = (a: Iterable<string>, b: ReadonlySet<string>): boolean => [...a].every((x) => b.has(x));

function evaluable(t: Term, bound: ReadonlySet<string>, outer: ReadonlySet<string>): boolean {
  return subset(split(t, outer).reads, bound);
}

function unifiable(a: Term, b: Term, bound: ReadonlySet<string>, outer: ReadonlySet<string>): boolean {
  if (evaluable(a, bound, outer) || evaluable(b, bound, outer)) return true;
  if (a.type === 'array' && b.type === 'array' && a.value.length === b.value.length) {
    return a.value.every((x, i) => unifiable(x, b.value[i] as Term, bound, outer));
  }
  if (a.type === 'object' && b.type === 'object' && a.value.length === b.value.length) {
    return a.value.every(([k, x]) => {
      const other = b.value.find(([k2]) => sameScalar(k, k2));
      return other !== undefined && unifiable(x, other[1], bound, outer);
    });
  }
  return false;
}

/** Ground scalar keys compare by value (object-pattern keys are always such scalars). */
export function sameScalar(a: Term, b: Term): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'null') return true;
  if (a.type === 'string' || a.type === 'number' || a.type === 'boolean') return a.value === (b as typeof a).value;
  return false;
}

interface Step {
  readonly ready: boolean;
  readonly binds: Set<string>;
  readonly missing: Set<string>;
}

function step(e: Expr, bound: ReadonlySet<string>, outer: ReadonlySet<string>, arity: ArityOf): Step {
  const reads = new Set<string>();
  const binds = new Set<string>();
  const add = (t: Term, mode: 'read' | 'bind'): void => {
    const s = split(t, outer);
    s.outs.forEach((v) => binds.add(v));
    if (mode === 'bind') allVars(t).forEach((v) => binds.add(v));
    else s.reads.forEach((v) => reads.add(v));
  };
  let ready = true;
  const t = e.terms;
  switch (t.kind) {
    case 'term':
      add(t.term, 'read');
      break;
    case 'some':
      if (t.decl.kind === 'in') {
        add(t.decl.collection, 'read');
        if (t.decl.key) add(t.decl.key, 'bind');
        add(t.decl.value, 'bind');
      }
      break;
    case 'every': {
      add(t.every.domain, 'read');
      const local = new Set([...(t.every.key ? allVars(t.every.key) : []), ...allVars(t.every.value)]);
      walkFreeBodyVars(t.every.body, local, (v) => {
        if (outer.has(v.value)) reads.add(v.value);
      });
      break;
    }
    case 'call': {
      const [a, b] = t.args as [Term, Term];
      if (isOp(e, 'eq')) {
        ready = unifiable(a, b, bound, outer);
        allVars(a).forEach((v) => binds.add(v));
        allVars(b).forEach((v) => binds.add(v));
        for (const x of [a, b]) split(x, outer).outs.forEach((v) => binds.add(v));
        for (const x of [a, b]) walkNestedFreeVars(x, (v) => outer.has(v.value) && !binds.has(v.value) && reads.add(v.value));
      } else if (isOp(e, 'assign')) {
        add(b, 'read');
        add(a, 'bind');
      } else {
        const n = arity({ type: 'ref', location: e.location, head: t.operator.head, path: t.operator.path });
        const out = n !== undefined && t.args.length === n + 1 ? t.args[n] : undefined;
        t.args.forEach((x) => add(x, x === out ? 'bind' : 'read'));
      }
      break;
    }
  }
  for (const w of e.with) {
    // `with count as my_count`: a function name, not a var.
    const v = w.value;
    const fn = v.type === 'var' || v.type === 'ref' ? arity(v.type === 'var' ? { type: 'ref', location: v.location, head: v, path: [] } : v) : undefined;
    if (fn === undefined) add(v, 'read');
  }
  // A var read by one operand and bound by another's ref (`x == xs[x]`) is bound first.
  for (const v of binds) if (t.kind === 'call' && !isOp(e, 'eq') && !isOp(e, 'assign')) reads.delete(v);
  if (e.negated) {
    // Vars that occur only inside a negation are local to it; the others must be bound first.
    binds.forEach((v) => outer.has(v) && !isWildcard(v) && reads.add(v));
    binds.clear();
  }
  const missing = new Set([...reads].filter((v) => !bound.has(v)));
  return { ready: ready && missing.size === 0, binds, missing };
}

/** Vars that occur in `body` outside nested comprehension bodies, counted once per expr. */
function occurrences(body: Body, skipDeclared: boolean): Map<string, number> {
  const count = new Map<string, number>();
  for (const e of body) {
    const seen = new Set<string>();
    const terms: Term[] = [];
    const t = e.terms;
    if (t.kind === 'term') terms.push(t.term);
    // `x := ...` declares x from here on: a comprehension before it cannot mean this x.
    else if (t.kind === 'call' && skipDeclared && isOp(e, 'assign')) terms.push(...t.args.slice(1));
    else if (t.kind === 'call') terms.push(...t.args);
    else if (t.kind === 'some' && t.decl.kind === 'in') terms.push(...(t.decl.key ? [t.decl.key] : []), t.decl.value, t.decl.collection);
    else if (t.kind === 'every') terms.push(t.every.domain);
    e.with.forEach((w) => terms.push(w.value));
    terms.forEach((x) => walkVars(x, (v) => seen.add(v.value)));
    seen.forEach((v) => count.set(v, (count.get(v) ?? 0) + 1));
  }
  return count;
}

/**
 * Orders `body` given the vars already bound. `extra` are vars the caller needs bound at the end
 * (rule head vars): counted as occurrences so that a var used only in a `not` and the head is
 * still reported unsafe.
 */
export function orderBody(body: Body, bound: ReadonlySet<string>, arity: ArityOf, extra: Iterable<string> = []): { ordered: Expr[]; bound: Set<string> } {
  const occ = occurrences(body, false);
  for (const v of extra) occ.set(v, (occ.get(v) ?? 0) + 1);
  // A var is "outer" for a comprehension if it is bound already or used in the body; for a
  // negation, if it also occurs somewhere else (otherwise it is local to the negation).
  const outer = new Set<string>(bound);
  occurrences(body, true).forEach((n, v) => n >= 1 && outer.add(v));
  const negOuter = new Set<string>(bound);
  occ.forEach((n, v) => n >= 2 && negOuter.add(v));
  const B = new Set(bound);
  const pending = [...body];
  const ordered: Expr[] = [];
  while (pending.length > 0) {
    let picked = -1;
    let st: Step | undefined;
    for (let i = 0; i < pending.length; i++) {
      const e = pending[i] as Expr;
      st = step(e, B, e.negated || e.terms.kind === 'every' ? negOuter : outer, arity);
      if (st.ready) {
        picked = i;
        break;
      }
    }
    if (picked < 0) {
      const e = pending[0] as Expr;
      const s = step(e, B, e.negated ? negOuter : outer, arity);
      const v = [...s.missing].filter((x) => !isWildcard(x)).sort()[0] ?? [...s.missing][0] ?? '?';
      fail('rego_unsafe_var_error', `var ${v} is unsafe`, e.location);
    }
    const e = pending.splice(picked, 1)[0] as Expr;
    (st as Step).binds.forEach((v) => B.add(v));
    ordered.push(e);
  }
  return { ordered, bound: B };
}

/** Checks that head vars (value, key) are bound after the body. */
export function checkHeadSafe(terms: readonly Term[], bound: ReadonlySet<string>, at: Expr['location']): void {
  for (const t of terms) {
    // Vars in ref paths (`q := xs[_]`) are bound by iterating the ref itself.
    walkVars(t, (v, inRef) => {
      if (!inRef && !bound.has(v.value)) fail('rego_unsafe_var_error', `var ${v.value} is unsafe`, at);
    });
  }
}
