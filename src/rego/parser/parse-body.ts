// Bodies (queries) and their literals: `[not] expr [with ...]`, `some ...`, `every ...`.
// Expressions are separated by `;` or a newline.
import type { Body, Expr, ExprTerms, SomeDecl, Term, VarTerm, With } from '../ast/types.js';
import { operatorRef } from './nodes.js';
import { parseInfix } from './parse-infix.js';
import { parseTerm, parseVar } from './parse-term.js';
import { Bail, type ParserState } from './state.js';
import type { Token } from './tokens.js';

/** Parses a body whose opening `{`/`[`/`|` is consumed, up to and including `end`. */
export function parseBlockUntil(p: ParserState, end: '}' | ']'): Body {
  p.enter();
  const body = parseQueryUntil(p, end);
  p.next();
  p.leave();
  return body;
}

/** `{ body }`. */
export function parseBlock(p: ParserState): Body {
  p.expect('{');
  return parseBlockUntil(p, '}');
}

/** Expressions up to (not including) `end`. */
export function parseQueryUntil(p: ParserState, end: '}' | ']' | 'eof'): Body {
  if (p.is(end)) p.fail('found empty body');
  const exprs: Expr[] = [];
  for (;;) {
    exprs.push(parseLiteral(p, exprs.length));
    if (p.is(';')) {
      p.next();
      continue;
    }
    if (p.is(end)) return exprs;
    if (!p.tok.newline) p.unexpected(`expected \\n or ; or ${end}`);
  }
}

export function parseLiteral(p: ParserState, index: number): Expr {
  const start = p.tok;
  let negated = false;
  if (p.is('not')) {
    p.next();
    negated = true;
  }
  if (p.is('some') || p.is('every')) {
    if (negated) p.fail(`illegal negation of '${p.tok.kind}'`);
    const terms = p.is('some') ? parseSome(p) : parseEvery(p);
    return finishExpr(p, start, terms, false, index);
  }
  return finishExpr(p, start, parseExprTerms(p), negated, index);
}

function finishExpr(p: ParserState, start: Token, terms: ExprTerms, negated: boolean, index: number): Expr {
  const withs = p.is('with') ? parseWith(p) : [];
  return { terms, negated, with: withs, index, location: p.loc(start) };
}

function parseExprTerms(p: ParserState): ExprTerms {
  const lhs = parseInfix(p, true);
  if (p.is(':=') || p.is('=')) {
    const op = p.next();
    const rhs = parseInfix(p, true);
    const name = op.kind === ':=' ? 'assign' : 'eq';
    return { kind: 'call', operator: operatorRef(name, p.tokenLoc(op)), args: [lhs, rhs] };
  }
  if (lhs.type === 'call') return { kind: 'call', operator: lhs.operator, args: lhs.args };
  return { kind: 'term', term: lhs };
}

function parseWith(p: ParserState): With[] {
  const withs: With[] = [];
  while (p.is('with')) {
    const start = p.next();
    if (!p.is('ident')) p.unexpected('expected ident');
    const target = parseTerm(p);
    if (target.type !== 'ref' && target.type !== 'var') p.unexpected('expected with target path');
    if (!p.is('as')) p.unexpected('expected as keyword');
    p.next();
    const value = parseInfix(p, true);
    withs.push({ target, value, location: p.loc(start) });
  }
  return withs;
}

function memberArgs(t: Term): readonly Term[] | undefined {
  if (t.type !== 'call' || t.operator.head.type !== 'var' || t.operator.head.value !== 'internal') return undefined;
  const name = t.operator.path[0];
  if (t.operator.path.length !== 1 || name?.type !== 'string') return undefined;
  return name.value === 'member_2' || name.value === 'member_3' ? t.args : undefined;
}

function parseSome(p: ParserState): ExprTerms {
  const start = p.next(); // some
  const mark = p.mark();
  let term: Term | undefined;
  try {
    term = parseInfix(p, true);
  } catch (e) {
    if (!(e instanceof Bail)) throw e;
  }
  if (term !== undefined) {
    const args = memberArgs(term);
    if (args !== undefined) {
      const decl: SomeDecl =
        args.length === 3
          ? { kind: 'in', key: args[0] as Term, value: args[1] as Term, collection: args[2] as Term, location: p.loc(start) }
          : { kind: 'in', value: args[0] as Term, collection: args[1] as Term, location: p.loc(start) };
      return { kind: 'some', decl };
    }
    if (term.type === 'call') p.unexpected('expected `x in xs` or `x, y in xs` expression');
  }
  p.reset(mark);
  const vars: VarTerm[] = [];
  for (;;) {
    if (!p.is('ident')) p.unexpected('expected var');
    vars.push(parseVar(p) as VarTerm);
    if (!p.is(',')) break;
    p.next();
  }
  return { kind: 'some', decl: { kind: 'vars', vars, location: p.loc(start) } };
}

function parseEvery(p: ParserState): ExprTerms {
  const start = p.next(); // every
  const term = parseInfix(p, true);
  const args = memberArgs(term);
  if (args === undefined) p.unexpected('expected `x[, y] in xs { ... }` expression');
  const [key, value, domain] = args.length === 3 ? args : [undefined, ...args];
  if (value?.type !== 'var') p.unexpected('expected value to be a variable');
  if (key !== undefined && key.type !== 'var') p.unexpected('expected key to be a variable');
  if (!p.is('{')) p.unexpected('missing body');
  const body = parseBlock(p);
  const every = { value, domain: domain as Term, body, location: p.loc(start) };
  return { kind: 'every', every: key === undefined ? every : { key, ...every } };
}
