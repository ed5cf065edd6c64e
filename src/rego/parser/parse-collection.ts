// Arrays, sets, objects and their comprehensions. `{` is ambiguous until the first element is
// read: `{}` is an empty object, `{x}` a set, `{k: v}` an object, `{x | body}` a set comprehension.
// As in OPA, a single term directly followed by `|` makes a comprehension (so `{a | b}` is never
// an `or` call), while `{1 + 2 | x}` is a set holding `or(plus(1, 2), x)`. Every path here reads
// each token once: the first element is parsed as a bare term and, if an operator follows,
// extended with parseInfixFrom rather than re-parsed.
import type { Term } from '../ast/types.js';
import { parseBlockUntil } from './parse-body.js';
import { parseInfixFrom, parseInfix } from './parse-infix.js';
import { parseTerm, parseTermList } from './parse-term.js';
import type { ParserState } from './state.js';

export function parseArray(p: ParserState): Term {
  const start = p.next(); // [
  if (p.is(']')) {
    p.next();
    return { type: 'array', value: [], location: p.loc(start) };
  }
  // A leading comma (`[, x]`) is tolerated, as OPA does, but rules out a comprehension.
  const comprehensible = !p.is(',');
  if (!comprehensible) p.next();
  const elemStart = p.tok;
  let head = parseTerm(p);
  if (p.is('|') && comprehensible) {
    p.next();
    const body = parseBlockUntil(p, ']');
    return { type: 'arraycomprehension', term: head, body, location: p.loc(start) };
  }
  if (!p.is(',') && !p.is(']')) head = parseInfixFrom(p, head, elemStart, false);
  if (p.is(',')) p.next();
  else if (!p.is(']')) p.unexpected('expected "," or "]"');
  const value = parseTermList(p, ']', [head]);
  return { type: 'array', value, location: p.loc(start) };
}

export function parseSetOrObject(p: ParserState): Term {
  const start = p.next(); // {
  if (p.is('}')) {
    p.next();
    return { type: 'object', value: [], location: p.loc(start) };
  }
  const comprehensible = !p.is(',');
  if (!comprehensible) p.next();
  const elemStart = p.tok;
  let head = parseTerm(p);
  if (p.is('|') && comprehensible) {
    p.next();
    const body = parseBlockUntil(p, '}');
    return { type: 'setcomprehension', term: head, body, location: p.loc(start) };
  }
  if (!p.is(',') && !p.is('}') && !p.is(':')) head = parseInfixFrom(p, head, elemStart, false);
  if (p.is(':')) return parseObject(p, head, comprehensible, start);
  if (p.is(',')) p.next();
  else if (!p.is('}')) p.unexpected('non-terminated set');
  const value = parseTermList(p, '}', [head]);
  return { type: 'set', value, location: p.loc(start) };
}

function parseObject(p: ParserState, key: Term, comprehensible: boolean, start: ReturnType<ParserState['next']>): Term {
  p.next(); // :
  const valStart = p.tok;
  let value = parseTerm(p);
  if (p.is('|') && comprehensible) {
    p.next();
    const body = parseBlockUntil(p, '}');
    return { type: 'objectcomprehension', key, value, body, location: p.loc(start) };
  }
  if (!p.is(',') && !p.is('}')) value = parseInfixFrom(p, value, valStart, false);
  const pairs: (readonly [Term, Term])[] = [[key, value]];
  for (;;) {
    if (p.is('}')) break;
    if (!p.is(',')) p.unexpected('non-terminated object');
    p.next();
    if (p.is('}')) break;
    const k = parseInfix(p, false);
    if (!p.is(':')) p.unexpected('expected ":"');
    p.next();
    pairs.push([k, parseInfix(p, false)]);
  }
  p.next();
  return { type: 'object', value: pairs, location: p.loc(start) };
}
