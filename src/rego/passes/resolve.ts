// Resolves names to global refs, as OPA's resolveAllRefs stage does: rule names of the
// package become data.<pkg>.<name>, import aliases expand to their paths, and calls of
// package functions get full data refs. Declared locals (args, `some`, `:=`) shadow globals.
import type { Body, Expr, ExprTerms, Module, RefTerm, Rule, RuleHead, SomeDecl, Term, With } from '../ast/types.js';
import { packagePath } from './ruletree.js';
import { walkVars } from './vars.js';

type Globals = Map<string, RefTerm>;

function dataRef(path: readonly string[], at: Term): RefTerm {
  const loc = at.location;
  return {
    type: 'ref',
    location: loc,
    head: { type: 'var', value: 'data', location: loc },
    path: path.map((s) => ({ type: 'string' as const, value: s, location: loc })),
  };
}

/** Vars a rule declares: function args, `some` vars and patterns, `:=` targets, every vars. */
export function declaredVars(rule: Rule): Set<string> {
  const out = new Set<string>();
  const add = (t: Term | undefined): void => {
    if (t) walkVars(t, (v) => out.add(v.value), false);
  };
  const visitBody = (b: Body): void => {
    for (const e of b) {
      const t = e.terms;
      if (t.kind === 'some') {
        if (t.decl.kind === 'vars') t.decl.vars.forEach(add);
        else (add(t.decl.key), add(t.decl.value));
      } else if (t.kind === 'every') {
        add(t.every.key);
        add(t.every.value);
        visitBody(t.every.body);
      } else if (t.kind === 'call' && t.operator.head.type === 'var' && t.operator.head.value === 'assign' && t.operator.path.length === 0) {
        add(t.args[0]);
      }
      for (const x of t.kind === 'call' ? t.args : t.kind === 'term' ? [t.term] : []) visitTerm(x);
    }
  };
  const visitTerm = (t: Term): void => {
    switch (t.type) {
      case 'arraycomprehension':
      case 'setcomprehension':
      case 'objectcomprehension':
        visitBody(t.body);
        return;
      case 'array':
      case 'set':
        t.value.forEach(visitTerm);
        return;
      case 'object':
        t.value.forEach(([k, v]) => (visitTerm(k), visitTerm(v)));
        return;
      case 'call':
        t.args.forEach(visitTerm);
        return;
      default:
        return;
    }
  };
  for (let r: Rule | undefined = rule; r; r = r.else) {
    if (r.head.kind === 'function') r.head.args.forEach(add);
    visitBody(r.body);
  }
  return out;
}

class Resolver {
  constructor(
    private readonly globals: Globals,
    private readonly locals: Set<string>,
  ) {}

  term(t: Term): Term {
    switch (t.type) {
      case 'var': {
        const g = this.global(t.value);
        return g ? { ...g, location: t.location } : t;
      }
      case 'ref': {
        const head = t.head.type === 'var' ? this.global(t.head.value) : undefined;
        const path = t.path.map((p) => this.term(p));
        if (head) return { ...t, head: head.head, path: [...head.path, ...path] };
        return { ...t, head: this.term(t.head), path };
      }
      case 'array':
      case 'set':
        return { ...t, value: t.value.map((x) => this.term(x)) };
      case 'object':
        return { ...t, value: t.value.map(([k, v]) => [this.term(k), this.term(v)] as const) };
      case 'call':
        return { ...t, operator: this.operator(t.operator), args: t.args.map((a) => this.term(a)) };
      case 'arraycomprehension':
      case 'setcomprehension':
        return { ...t, term: this.term(t.term), body: this.body(t.body) };
      case 'objectcomprehension':
        return { ...t, key: this.term(t.key), value: this.term(t.value), body: this.body(t.body) };
      default:
        return t;
    }
  }

  private global(name: string): RefTerm | undefined {
    return this.locals.has(name) ? undefined : this.globals.get(name);
  }

  operator(op: RefTerm): RefTerm {
    if (op.head.type !== 'var') return op;
    const g = this.global(op.head.value);
    return g ? { ...op, head: g.head, path: [...g.path, ...op.path] } : op;
  }

  body(b: Body): Body {
    return b.map((e) => this.expr(e));
  }

  private some(d: SomeDecl): SomeDecl {
    if (d.kind === 'vars') return d;
    return { ...d, ...(d.key ? { key: this.term(d.key) } : {}), value: this.term(d.value), collection: this.term(d.collection) };
  }

  private exprTerms(t: ExprTerms): ExprTerms {
    switch (t.kind) {
      case 'term':
        return { kind: 'term', term: this.term(t.term) };
      case 'call':
        return { kind: 'call', operator: this.operator(t.operator), args: t.args.map((a) => this.term(a)) };
      case 'some':
        return { kind: 'some', decl: this.some(t.decl) };
      case 'every': {
        const ev = t.every;
        return {
          kind: 'every',
          every: { ...ev, ...(ev.key ? { key: this.term(ev.key) } : {}), value: this.term(ev.value), domain: this.term(ev.domain), body: this.body(ev.body) },
        };
      }
    }
  }

  expr(e: Expr): Expr {
    const w: With[] = e.with.map((x) => ({ ...x, target: this.term(x.target), value: this.term(x.value) }));
    return { ...e, terms: this.exprTerms(e.terms), with: w };
  }

  head(h: RuleHead): RuleHead {
    const ref = { ...h.ref, path: h.ref.path.map((p) => this.term(p)) };
    switch (h.kind) {
      case 'value':
        return { ...h, ref, value: this.term(h.value), ...(h.key ? { key: this.term(h.key) } : {}) };
      case 'contains':
        return { ...h, ref, key: this.term(h.key) };
      case 'function':
        return { ...h, ref, args: h.args.map((a) => this.term(a)), value: this.term(h.value) };
    }
  }

  rule(r: Rule): Rule {
    return { ...r, head: this.head(r.head), body: this.body(r.body), ...(r.else ? { else: this.rule(r.else) } : {}) };
  }
}

function globalsFor(m: Module, rulesByPkg: Map<string, Set<string>>): Globals {
  const pkg = packagePath(m);
  const g: Globals = new Map();
  for (const name of rulesByPkg.get(pkg.join('.')) ?? []) g.set(name, dataRef([...pkg, name], m.package.path));
  for (const imp of m.imports) {
    const p = imp.path;
    if (p.head.type !== 'var' || (p.head.value !== 'data' && p.head.value !== 'input')) continue;
    const last = p.path[p.path.length - 1];
    const alias = imp.alias ?? (last?.type === 'string' ? last.value : p.head.value);
    g.set(alias, p);
  }
  return g;
}

export function resolveModules(modules: readonly Module[]): Module[] {
  const rulesByPkg = new Map<string, Set<string>>();
  for (const m of modules) {
    const key = packagePath(m).join('.');
    const names = rulesByPkg.get(key) ?? new Set<string>();
    for (const r of m.rules) if (r.head.ref.head.type === 'var') names.add(r.head.ref.head.value);
    rulesByPkg.set(key, names);
  }
  return modules.map((m) => {
    const globals = globalsFor(m, rulesByPkg);
    return { ...m, rules: m.rules.map((r) => new Resolver(globals, declaredVars(r)).rule(r)) };
  });
}

export function resolveQuery(body: Body): Body {
  return new Resolver(new Map(), new Set()).body(body);
}
