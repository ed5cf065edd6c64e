// Rules: `[default] head [if body | if literal] [else ...]`. Rego v1 requires `if` before a body
// and `contains` for multi-value rules; missing keywords are reported but parsing goes on, so one
// run lists every such problem.
import type { Body, Expr, Location, Rule, RuleHead, Term } from '../ast/types.js';
import { isGround, operatorRef, trueTerm, varTerm } from './nodes.js';
import { parseBlock, parseLiteral } from './parse-body.js';
import { parseInfix } from './parse-infix.js';
import { parseHead, type HeadParts } from './parse-head.js';
import { validateDefault } from './validate-default.js';
import { Bail, type ParserState } from './state.js';
import type { Token } from './tokens.js';

export function parseRule(p: ParserState): Rule {
  const start = p.tok;
  const isDefault = p.is('default');
  if (isDefault) p.next();
  const parts = parseHead(p);
  if (isDefault) {
    if (parts.value === undefined) p.fail('illegal default rule (must have a value)', start);
    validateDefault(p, parts, start);
    const head = buildHead(parts, false);
    return { default: true, head, body: trueBody(p.loc(start)), location: p.loc(start) };
  }
  const hasIf = p.is('if');
  const { head, body } = hoistCallArgs(p, buildHead(parts, hasIf), parseRuleBody(p, parts));
  let elseRule: Rule | undefined;
  if (p.is('else')) {
    if (parts.key !== undefined) p.fail('else keyword cannot be used on multi-value rules');
    if (!parts.ref.path.every(isGround)) p.fail('else keyword cannot be used on rules with variables in head');
    elseRule = parseElse(p, head);
  }
  const rule: Rule = { default: false, head, body, location: p.loc(start) };
  return elseRule === undefined ? rule : { ...rule, else: elseRule };
}

function parseRuleBody(p: ParserState, parts: HeadParts): Body {
  const isPartialSet = parts.key === undefined && parts.value === undefined && parts.args === undefined && parts.ref.path.length === 1;
  if (p.is('if')) {
    p.next();
    return parseIfBody(p);
  }
  if (p.is('{')) {
    p.report(`\`if\` keyword is required before ${parts.args === undefined ? 'rule' : 'function'} body`);
    if (isPartialSet) p.report('`contains` keyword is required for partial set rules');
    return parseBlock(p);
  }
  if (isPartialSet) p.fail('`contains` keyword is required for partial set rules', parts.start);
  return trueBody(p.loc(parts.start));
}

/**
 * After `if`: a single literal (`p if input.x`, `p if not q`, `p if {x: 1 | ...}`) or `{ body }`.
 * As in OPA, the literal is tried first and a `{...}` that reads as a set literal (`{ x }`) or
 * does not parse as a term at all is re-read as a body. The retry happens once per rule, so the
 * cost stays linear.
 */
function parseIfBody(p: ParserState): Body {
  if (!p.is('{')) return [parseLiteral(p, 0)];
  const mark = p.mark();
  try {
    const literal = parseLiteral(p, 0);
    const t = literal.terms;
    const isSet = t.kind === 'term' && t.term.type === 'set';
    if (!isSet && endsStatement(p)) return [literal];
  } catch (e) {
    if (!(e instanceof Bail)) throw e;
  }
  p.reset(mark);
  return parseBlock(p);
}

/** What may follow a rule: another statement on a new line, `else`, `;`-less end of input. */
function endsStatement(p: ParserState): boolean {
  return p.is('eof') || p.is('else') || p.tok.newline;
}

function buildHead(parts: HeadParts, hasIf: boolean): RuleHead {
  const headLoc = parts.location;
  if (parts.key !== undefined) return { kind: 'contains', ref: parts.ref, key: parts.key, location: headLoc };
  const value = parts.value ?? trueTerm(headLoc);
  if (parts.args !== undefined) {
    return { kind: 'function', ref: parts.ref, args: parts.args, value, assign: parts.assign, location: headLoc };
  }
  const key = objectKey(parts, hasIf);
  const head = { kind: 'value' as const, ref: parts.ref, value, assign: parts.assign, location: headLoc };
  return key === undefined ? head : { ...head, key };
}

/** OPA's Head.Key for `p[k] := v`: the single bracketed element, when it can vary or there is no `if`. */
function objectKey(parts: HeadParts, hasIf: boolean): Term | undefined {
  if (parts.ref.path.length !== 1) return undefined;
  const k = parts.ref.path[0] as Term;
  if (!hasIf || !isGround(k)) return k;
  return undefined;
}

function parseElse(p: ParserState, parent: RuleHead): Rule {
  const start = p.next(); // else
  let value: Term;
  let assign = false;
  if (p.is(':=') || p.is('=')) {
    assign = p.next().kind === ':=';
    value = parseInfix(p, true);
  } else if (p.is('if') || p.is('{')) {
    value = trueTerm(p.tokenLoc(start));
  } else {
    return p.unexpected('expected else value term or rule body');
  }
  let body: Body;
  if (p.is('if')) {
    p.next();
    body = p.is('{') ? parseBlock(p) : p.is('eof') ? p.unexpected('rule body expected') : [parseLiteral(p, 0)];
  } else if (p.is('{')) {
    p.report('`if` keyword is required before rule body');
    body = parseBlock(p);
  } else {
    body = trueBody(p.loc(start));
  }
  const head = elseHead(p, parent, value, assign, p.tokenLoc(start));
  // Each link nests the next: long chains count against the depth limit.
  p.enter();
  const next = p.is('else') ? parseElse(p, parent) : undefined;
  p.leave();
  const rule: Rule = { default: false, head, body, location: p.loc(start) };
  return next === undefined ? rule : { ...rule, else: next };
}

function elseHead(p: ParserState, parent: RuleHead, value: Term, assign: boolean, location: Location): RuleHead {
  if (parent.kind === 'function') {
    // Each link gets fresh wildcards so `f(_)` args never unify across links.
    const args = parent.args.map((a) => (a.type === 'var' && a.value.startsWith('$') ? varTerm(p.wildcard(), a.location) : a));
    return { kind: 'function', ref: parent.ref, args, value, assign, location };
  }
  if (parent.kind === 'value') {
    const head = { kind: 'value' as const, ref: parent.ref, value, assign, location };
    return parent.key === undefined ? head : { ...head, key: parent.key };
  }
  return p.fail('else keyword cannot be used on multi-value rules');
}

/**
 * A call among a function's arguments (`f($"{x} {y}") if ...`, a template string) is a value to
 * compare the argument with once the body has bound its vars: the argument becomes a fresh var
 * and the comparison joins the body, where safety ordering puts it after what binds `x`.
 */
function hoistCallArgs(p: ParserState, head: RuleHead, body: Body): { head: RuleHead; body: Body } {
  if (head.kind !== 'function' || !head.args.some((a) => a.type === 'call')) return { head, body };
  const extra: Expr[] = [];
  const args = head.args.map((a) => {
    if (a.type !== 'call') return a;
    const v = varTerm(`__farg${p.wildcard().slice(1)}__`, a.location);
    const terms = { kind: 'call' as const, operator: operatorRef('eq', a.location), args: [v, a] };
    extra.push({ terms, negated: false, with: [], index: body.length + extra.length, location: a.location });
    return v;
  });
  return { head: { ...head, args }, body: [...body, ...extra] };
}

function trueBody(location: Location): Body {
  const expr: Expr = { terms: { kind: 'term', term: trueTerm(location) }, negated: false, with: [], index: 0, location, generated: true };
  return [expr];
}
