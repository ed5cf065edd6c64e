// Rule heads: `p`, `a.b[x]`, `f(x, y)`, then `contains k`, `:= v` or `= v`.
import type { Location, RefTerm, Term } from '../ast/types.js';
import { parseInfix } from './parse-infix.js';
import { parseSuffixes, parseVar } from './parse-term.js';
import type { ParserState } from './state.js';
import type { Token } from './tokens.js';

export interface HeadParts {
  readonly start: Token;
  /** The whole head, `f(x) := y` included. */
  readonly location: Location;
  readonly ref: RefTerm;
  readonly args?: readonly Term[];
  /** Set for `contains`. */
  readonly key?: Term;
  readonly value?: Term;
  readonly assign: boolean;
}

const OPERATORS = new Set(['+', '-', '*', '/', '%', '&', '|', '==', '!=', '<', '<=', '>', '>=']);

export function parseHead(p: ParserState): HeadParts {
  const start = p.tok;
  if (!p.is('ident')) p.unexpected();
  const name = parseVar(p);
  if (OPERATORS.has(p.tok.kind)) p.unexpected();
  const term = parseSuffixes(p, name, start);
  let ref: RefTerm;
  let args: readonly Term[] | undefined;
  if (term.type === 'call') {
    ref = term.operator;
    args = term.args;
  } else if (term.type === 'ref') {
    ref = term;
  } else if (term.type === 'var') {
    ref = { type: 'ref', head: term, path: [], location: term.location };
  } else {
    return p.unexpected('expected rule head name', start);
  }
  if (ref.head.type !== 'var') p.fail(`rule head ref ${ref.location.text} invalid`, start);
  const display = ref.location.text;
  const withArgs = args === undefined ? {} : { args };
  if (p.is('contains')) {
    if (args !== undefined) {
      p.unexpected(`the contains keyword can only be used with multi-value rule definitions (e.g., ${display} contains <VALUE> { ... })`);
    }
    p.next();
    const key = parseInfix(p, true);
    return { start, ref, key, assign: false, location: p.loc(start) };
  }
  if (p.is('=') || p.is(':=')) {
    const assign = p.next().kind === ':=';
    const value = parseInfix(p, true);
    return { start, ref, ...withArgs, value, assign, location: p.loc(start) };
  }
  return { start, ref, ...withArgs, assign: false, location: p.loc(start) };
}
