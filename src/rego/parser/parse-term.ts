// Terms: scalars, vars, refs and calls (`a.b[x]`, `f(x).y`), and parenthesised infix terms.
// Collections and comprehensions live in parse-collection.ts, operators in parse-infix.ts.
import type { Location, RefTerm, Term } from '../ast/types.js';
import { parseArray, parseSetOrObject } from './parse-collection.js';
import { parseInfix } from './parse-infix.js';
import { parseTemplate } from './parse-template.js';
import { checkNumber, decodeString } from './literals.js';
import { varTerm } from './nodes.js';
import type { ParserState } from './state.js';
import { isKeyword, type Token } from './tokens.js';

/** A single term with its ref/call suffixes, but no infix operators. */
export function parseTerm(p: ParserState): Term {
  p.enter();
  const start = p.tok;
  const head = parsePrimary(p);
  const term = parseSuffixes(p, head, start);
  p.leave();
  return term;
}

function parsePrimary(p: ParserState): Term {
  const t = p.tok;
  switch (t.kind) {
    case 'null':
      p.next();
      return { type: 'null', location: p.tokenLoc(t) };
    case 'true':
    case 'false':
      p.next();
      return { type: 'boolean', value: t.kind === 'true', location: p.tokenLoc(t) };
    case 'number':
    case '-':
    case '.':
      return parseNumber(p);
    case 'string':
    case 'rawstring':
      return parseString(p);
    case 'template':
    case 'templatestart':
      return parseTemplate(p);
    case 'ident':
    case 'contains': // only rule heads give `contains` a meaning; elsewhere it is the builtin's name
      return parseVar(p);
    case '[':
      return parseArray(p);
    case '{':
      return parseSetOrObject(p);
    case '(':
      return parseParens(p);
    default:
      return p.unexpected();
  }
}

export function parseVar(p: ParserState): Term {
  const t = p.next();
  const name = p.text(t);
  return varTerm(name === '_' ? p.wildcard() : name, p.tokenLoc(t));
}

function parseNumber(p: ParserState): Term {
  const start = p.tok;
  const negative = p.is('-');
  if (negative) p.next();
  const leadingDot = p.is('.');
  if (leadingDot) p.next();
  if (!p.is('number')) p.unexpected('expected number');
  const digits = p.text(p.next());
  const checked = checkNumber(negative, leadingDot, digits);
  if (!checked.ok) p.fail(checked.reason, start);
  return { type: 'number', value: checked.text, location: p.loc(start) };
}

function parseString(p: ParserState): Term {
  const t = p.next();
  const literal = p.text(t);
  const value = t.kind === 'rawstring' ? literal.slice(1, -1) : decodeString(literal);
  if (value === undefined) p.fail(`illegal string literal: ${literal.slice(0, 100)}`, t);
  return { type: 'string', value, location: p.tokenLoc(t) };
}

function parseParens(p: ParserState): Term {
  p.next();
  const inner = parseInfix(p, true);
  if (!p.is(')')) p.fail('non-terminated expression');
  p.next();
  return inner;
}

/** Terms that may head a ref, as OPA allows. */
const REF_HEADS = new Set(['var', 'array', 'object', 'set', 'arraycomprehension', 'setcomprehension', 'objectcomprehension', 'call', 'ref']);

function isSuffix(t: Token): boolean {
  return !t.spaced && (t.kind === '.' || t.kind === '[' || t.kind === '(');
}

/** `.name`, `[term]` and `(args)` directly after a term (no whitespace: `a [1]` is not a ref). */
export function parseSuffixes(p: ParserState, head: Term, start: Token): Term {
  if (!isSuffix(p.tok)) return rootRef(head);
  if (!REF_HEADS.has(head.type)) p.fail(`illegal ref (head cannot be ${head.type})`, start);
  // A parenthesised ref such as `(a.b)[c]` continues the inner ref.
  let base: Term = head.type === 'ref' ? head.head : head;
  let path: Term[] = head.type === 'ref' ? [...head.path] : [];
  while (isSuffix(p.tok)) {
    const t = p.tok;
    if (t.kind === '.') {
      p.next();
      path.push(parseDotName(p));
    } else if (t.kind === '[') {
      p.next();
      path.push(parseInfix(p, true));
      if (!p.is(']')) p.unexpected('expected ]');
      p.next();
    } else {
      const operator: RefTerm = { type: 'ref', head: base, path, location: p.loc(start) };
      base = parseCall(p, operator, start);
      path = [];
      if (p.is('(')) break;
    }
  }
  if (path.length === 0) return base;
  return { type: 'ref', head: base, path, location: p.loc(start) };
}

function parseDotName(p: ParserState): Term {
  const t = p.tok;
  // Keywords are plain names after a dot (`input.in`, `data.foo.else`).
  if (t.spaced || !(t.kind === 'ident' || isKeyword(t.kind))) p.unexpected('expected ident');
  p.next();
  return { type: 'string', value: p.text(t), location: p.tokenLoc(t) };
}

function parseCall(p: ParserState, operator: RefTerm, start: Token): Term {
  p.next(); // (
  const args = parseTermList(p, ')');
  const location = p.loc(start);
  if (args.length === 0 && operator.path.length === 0 && operator.head.type === 'var' && operator.head.value === 'set') {
    return { type: 'set', value: [], location };
  }
  return { type: 'call', operator, args, location };
}

/** Comma-separated infix terms up to and including `end`; a trailing comma is allowed. */
export function parseTermList(p: ParserState, end: ')' | ']' | '}', first: Term[] = []): Term[] {
  const terms = first;
  while (!p.is(end)) {
    terms.push(parseInfix(p, false));
    if (p.is(',')) {
      p.next();
      continue;
    }
    if (!p.is(end)) p.unexpected(`expected "," or "${end}"`);
  }
  p.next();
  return terms;
}

/** `input` and `data` on their own are refs to the root documents. */
function rootRef(t: Term): Term {
  if (t.type === 'var' && (t.value === 'input' || t.value === 'data')) {
    return { type: 'ref', head: t, path: [], location: t.location };
  }
  return t;
}

export function refOf(t: Term, location: Location): RefTerm {
  return t.type === 'ref' ? t : { type: 'ref', head: t, path: [], location };
}
