// Compact, location-free rendering of AST nodes for table-driven assertions: the tree's shape is
// explicit (every call is `name(args)`), unlike the printer, which the tests also check.
import type { Body, Expr, RefTerm, Rule, Term } from '../../../src/rego/ast/types.js';

function opName(r: RefTerm): string {
  return [sexp(r.head), ...r.path.map((p) => (p.type === 'string' ? p.value : `[${sexp(p)}]`))].join('.');
}

export function sexp(t: Term): string {
  switch (t.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(t.value);
    case 'number':
      return `#${t.value}`;
    case 'string':
      return JSON.stringify(t.value);
    case 'var':
      return t.value;
    case 'ref':
      return `ref(${[t.head, ...t.path].map(sexp).join(' ')})`;
    case 'array':
      return `[${t.value.map(sexp).join(' ')}]`;
    case 'set':
      return `set(${t.value.map(sexp).join(' ')})`;
    case 'object':
      return `obj(${t.value.map(([k, v]) => `${sexp(k)}:${sexp(v)}`).join(' ')})`;
    case 'arraycomprehension':
      return `acomp(${sexp(t.term)} | ${bodySexp(t.body)})`;
    case 'setcomprehension':
      return `scomp(${sexp(t.term)} | ${bodySexp(t.body)})`;
    case 'objectcomprehension':
      return `ocomp(${sexp(t.key)}:${sexp(t.value)} | ${bodySexp(t.body)})`;
    case 'call':
      return `${opName(t.operator)}(${t.args.map(sexp).join(' ')})`;
  }
}

export function exprSexp(e: Expr): string {
  const t = e.terms;
  let core: string;
  switch (t.kind) {
    case 'term':
      core = sexp(t.term);
      break;
    case 'call':
      core = `${opName(t.operator)}(${t.args.map(sexp).join(' ')})`;
      break;
    case 'some':
      core =
        t.decl.kind === 'vars'
          ? `some(${t.decl.vars.map(sexp).join(' ')})`
          : `some-in(${t.decl.key === undefined ? '' : `${sexp(t.decl.key)} `}${sexp(t.decl.value)} ${sexp(t.decl.collection)})`;
      break;
    case 'every': {
      const ev = t.every;
      core = `every(${ev.key === undefined ? '' : `${sexp(ev.key)} `}${sexp(ev.value)} ${sexp(ev.domain)} | ${bodySexp(ev.body)})`;
      break;
    }
  }
  const withs = e.with.map((w) => ` with(${sexp(w.target)} ${sexp(w.value)})`).join('');
  return `${e.negated ? 'not ' : ''}${core}${withs}`;
}

export function bodySexp(b: Body): string {
  return b.map(exprSexp).join('; ');
}

export function headSexp(r: Rule): string {
  const h = r.head;
  const ref = sexp(h.ref);
  switch (h.kind) {
    case 'contains':
      return `${ref} contains ${sexp(h.key)}`;
    case 'function':
      return `${ref}(${h.args.map(sexp).join(' ')}) ${h.assign ? ':=' : '='} ${sexp(h.value)}`;
    case 'value':
      return `${ref}${h.key === undefined ? '' : ` key=${sexp(h.key)}`} ${h.assign ? ':=' : '='} ${sexp(h.value)}`;
  }
}
