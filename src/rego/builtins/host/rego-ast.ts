// rego.parse_module: our parser's AST in the JSON shape OPA's ast package marshals (terms as
// {type, value}, refs as term lists, expressions with their index). A parse error is an error.
import type { Body, Expr, Module, Rule, Term } from '../../ast/types.js';
import { parseModule } from '../../parser/index.js';
import type { HostBuiltins } from './index.js';
import { str } from './values.js';

type J = { [k: string]: unknown };

function term(t: Term): J {
  switch (t.type) {
    case 'null':
      return { type: 'null' };
    case 'boolean':
    case 'string':
    case 'var':
      return { type: t.type, value: t.value };
    case 'number':
      return { type: 'number', value: Number(t.value) };
    case 'ref':
      return { type: 'ref', value: [term(t.head), ...t.path.map(term)] };
    case 'array':
    case 'set':
      return { type: t.type, value: t.value.map(term) };
    case 'object':
      return { type: 'object', value: t.value.map(([k, v]) => [term(k), term(v)]) };
    case 'call':
      return { type: 'call', value: [term(t.operator), ...t.args.map(term)] };
    case 'arraycomprehension':
    case 'setcomprehension':
      return { type: t.type, value: { term: term(t.term), body: body(t.body) } };
    case 'objectcomprehension':
      return { type: t.type, value: { key: term(t.key), value: term(t.value), body: body(t.body) } };
  }
}

function expr(e: Expr): J {
  const out: J = { index: e.index };
  if (e.negated) out['negated'] = true;
  const t = e.terms;
  switch (t.kind) {
    case 'term':
      out['terms'] = term(t.term);
      break;
    case 'call':
      out['terms'] = [term(t.operator), ...t.args.map(term)];
      break;
    case 'some':
      out['terms'] = { type: 'some', value: t.decl.kind === 'vars' ? t.decl.vars.map(term) : [term({ type: 'call', operator: { type: 'ref', head: { type: 'var', value: 'internal', location: t.decl.location }, path: [{ type: 'string', value: t.decl.key ? 'member_3' : 'member_2', location: t.decl.location }], location: t.decl.location }, args: [...(t.decl.key ? [t.decl.key] : []), t.decl.value, t.decl.collection], location: t.decl.location })] };
      break;
    case 'every':
      out['terms'] = { type: 'every', value: { ...(t.every.key ? { key: term(t.every.key) } : {}), value: term(t.every.value), domain: term(t.every.domain), body: body(t.every.body) } };
      break;
  }
  if (e.with.length > 0) out['with'] = e.with.map((w) => ({ target: term(w.target), value: term(w.value) }));
  return out;
}

function body(b: Body): J[] {
  return b.map(expr);
}

function rule(r: Rule): J {
  const h = r.head;
  const head: J = { ref: [term(h.ref.head), ...h.ref.path.map(term)] };
  if (h.ref.path.length === 0 && h.ref.head.type === 'var') head['name'] = h.ref.head.value;
  if (h.kind === 'contains') head['key'] = term(h.key);
  else head['value'] = term(h.value);
  if (h.kind === 'function') head['args'] = h.args.map(term);
  if (h.kind !== 'contains' && h.assign) head['assign'] = true;
  const out: J = { head, body: body(r.body) };
  if (r.default) out['default'] = true;
  if (r.else) out['else'] = rule(r.else);
  return out;
}

export function moduleJson(m: Module): J {
  const out: J = { package: { path: [term(m.package.path.head), ...m.package.path.path.map(term)] } };
  if (m.imports.length > 0) out['imports'] = m.imports.map((i) => ({ path: term(i.path), ...(i.alias ? { alias: i.alias } : {}) }));
  if (m.rules.length > 0) out['rules'] = m.rules.map(rule);
  return out;
}

export const regoAstBuiltins: HostBuiltins = {
  'rego.parse_module': (file, text) => moduleJson(parseModule(str(text), str(file))),
};
