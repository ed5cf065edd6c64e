// Infix operators by precedence climbing. From loosest to tightest: `in` (and `k, v in xs`),
// relations (== != < <= > >=), `|`, `&`, `+ -`, `* / %`. All are left-associative and desugar
// into calls named as OPA names them. Operators may continue an expression across newlines
// (`a +\n b` and `a\n + b`), as in OPA; only `;` and newlines *between* expressions separate them.
import { INFIX_OPERATORS, type InfixToken, type Term } from '../ast/types.js';
import { callTerm } from './nodes.js';
import { parseTerm } from './parse-term.js';
import { Bail, type ParserState } from './state.js';
import type { Token } from './tokens.js';

const PRECEDENCE: Readonly<Partial<Record<string, number>>> = {
  '==': 1, '!=': 1, '<': 1, '<=': 1, '>': 1, '>=': 1,
  '|': 2,
  '&': 3,
  '+': 4, '-': 4,
  '*': 5, '/': 5, '%': 5,
};

/**
 * A full infix term. `keyVal` allows the two-variable membership form `k, v in xs`; it is off
 * inside lists, where a comma separates elements.
 */
export function parseInfix(p: ParserState, keyVal: boolean): Term {
  const start = p.tok;
  return parseInfixFrom(p, parseTerm(p), start, keyVal);
}

/** Continues an infix term whose first operand (starting at `start`) is already parsed. */
export function parseInfixFrom(p: ParserState, first: Term, start: Token, keyVal: boolean): Term {
  p.enter();
  let lhs = climb(p, first, start, 1);
  if (keyVal && p.is(',')) lhs = tryKeyValueIn(p, lhs, start);
  for (let folds = 0; p.is('in'); folds++) {
    if (folds >= p.limits.maxDepth) p.fail('max parsing recursion depth exceeded');
    const op = p.next();
    const rhs = climbFromTerm(p);
    lhs = callTerm('internal.member_2', p.tokenLoc(op), [lhs, rhs], p.loc(start));
  }
  p.leave();
  return lhs;
}

/** `k, v in xs`: only a comma followed by a term and `in` counts; otherwise nothing is consumed. */
function tryKeyValueIn(p: ParserState, key: Term, start: Token): Term {
  const mark = p.mark();
  try {
    p.next(); // ,
    const value = climbFromTerm(p);
    if (!p.is('in')) {
      p.reset(mark);
      return key;
    }
    const op = p.next();
    const collection = climbFromTerm(p);
    return callTerm('internal.member_3', p.tokenLoc(op), [key, value, collection], p.loc(start));
  } catch (e) {
    if (!(e instanceof Bail)) throw e;
    p.reset(mark);
    return key;
  }
}

function climbFromTerm(p: ParserState): Term {
  const start = p.tok;
  return climb(p, parseTerm(p), start, 1);
}

/**
 * Left-associative chains fold into left-nested calls, so a chain is as deep as it is long: it
 * counts against the nesting limit like brackets do, sparing later passes a deep recursion.
 */
function climb(p: ParserState, first: Term, start: Token, minPrec: number): Term {
  let lhs = first;
  for (let folds = 0; ; folds++) {
    const kind = p.tok.kind;
    const prec = PRECEDENCE[kind];
    if (prec === undefined || prec < minPrec) return lhs;
    if (folds >= p.limits.maxDepth) p.fail('max parsing recursion depth exceeded');
    const op = p.next();
    const rhsStart = p.tok;
    let rhs = parseTerm(p);
    for (;;) {
      const next = PRECEDENCE[p.tok.kind];
      if (next === undefined || next <= prec) break;
      rhs = climb(p, rhs, rhsStart, prec + 1);
    }
    lhs = callTerm(INFIX_OPERATORS[kind as InfixToken], p.tokenLoc(op), [lhs, rhs], p.loc(start));
  }
}
