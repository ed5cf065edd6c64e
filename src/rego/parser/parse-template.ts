// Template strings, `$"Hello {input.name}!"` and `` $`multi-line {x}` ``. As OPA plans them, a
// template is a call of internal.template_string on an array of its parts: literal text as
// strings, each expression as the set of its values (`{__t | __t = expr}`), so an undefined
// expression is an empty set, which the builtin prints as <undefined>.
import type { Expr, Location, Term } from '../ast/types.js';
import { decodeString } from './literals.js';
import { callTerm, operatorRef, trueTerm, varTerm } from './nodes.js';
import { parseLiteral } from './parse-body.js';
import type { ParserState } from './state.js';
import type { Token } from './tokens.js';

/** At a `template` or `templatestart` token. */
export function parseTemplate(p: ParserState): Term {
  const start = p.next();
  const raw = p.source.charCodeAt(start.start + 1) === 96;
  const first = literalText(p, start, raw, 2);
  if (start.kind === 'template') return { type: 'string', value: first, location: p.tokenLoc(start) };
  const parts: Term[] = [];
  const addText = (text: string, at: Token): void => {
    if (text !== '') parts.push({ type: 'string', value: text, location: p.tokenLoc(at) });
  };
  addText(first, start);
  for (;;) {
    if (p.is('templatemid') || p.is('templateend')) p.fail('empty template expression');
    parts.push(expressionPart(p, parseLiteral(p, 0)));
    const close = p.tok;
    if (close.kind !== 'templatemid' && close.kind !== 'templateend') p.unexpected('expected } ending the template expression');
    p.next();
    addText(literalText(p, close, raw, 1), close);
    if (close.kind === 'templateend') break;
  }
  const location = p.loc(start);
  return callTerm('internal.template_string', location, [{ type: 'array', value: parts, location }], location);
}

/** The decoded text of a template piece: between its opening (`$"`, `}`) and `{` or the quote. */
function literalText(p: ParserState, t: Token, raw: boolean, openLength: number): string {
  const text = p.source.slice(t.start + openLength, t.end - 1);
  if (raw) return text.replace(/\\\{/g, '{');
  // `\{` is the template's own escape; every other escape is a JSON string escape.
  const json = text.replace(/\\(.)/gs, (m: string, c: string) => (c === '{' ? '{' : m));
  const value = decodeString(`"${json}"`);
  if (value === undefined) p.fail(`illegal string literal: ${text.slice(0, 100)}`, t);
  return value;
}

/** `{expr}` as the set of the expression's values; `with` modifiers stay on the expression. */
function expressionPart(p: ParserState, e: Expr): Term {
  const location: Location = e.location;
  if (e.negated || e.terms.kind === 'some' || e.terms.kind === 'every') p.fail('illegal template expression');
  const out = varTerm(`__tmpl${p.wildcard().slice(1)}__`, location);
  const eq = (value: Term): Expr => ({
    terms: { kind: 'call', operator: operatorRef('eq', location), args: [out, value] },
    negated: false,
    with: e.with,
    index: 0,
    location,
  });
  const body: Expr[] = [];
  if (e.terms.kind === 'term') body.push(eq(e.terms.term));
  else if (isUnification(e)) body.push({ ...e, index: 0 }, { ...eq(trueTerm(location)), with: [], index: 1 });
  else body.push(eq({ type: 'call', operator: e.terms.operator, args: e.terms.args, location }));
  return { type: 'setcomprehension', term: out, body, location };
}

function isUnification(e: Expr): boolean {
  if (e.terms.kind !== 'call') return false;
  const op = e.terms.operator;
  return op.path.length === 0 && op.head.type === 'var' && (op.head.value === 'eq' || op.head.value === 'assign');
}
