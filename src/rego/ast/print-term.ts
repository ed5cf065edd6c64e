// Terms and expressions back to Rego text. Nested infix calls are always parenthesised, so the
// output re-parses to the same tree without the printer knowing precedence rules.
import type { Body, Expr, RefTerm, Term, With } from './types.js';

const INFIX: Readonly<Record<string, string>> = {
  equal: '==', neq: '!=', lt: '<', lte: '<=', gt: '>', gte: '>=',
  plus: '+', minus: '-', mul: '*', div: '/', rem: '%', and: '&', or: '|',
};

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The operator's dotted name (`count`, `internal.member_2`), or undefined if not a plain name. */
export function operatorName(op: RefTerm): string | undefined {
  if (op.head.type !== 'var') return undefined;
  const parts = [op.head.value];
  for (const p of op.path) {
    if (p.type !== 'string') return undefined;
    parts.push(p.value);
  }
  return parts.join('.');
}

function isInfixCall(t: Term): boolean {
  if (t.type !== 'call') return false;
  const name = operatorName(t.operator);
  return name !== undefined && (name in INFIX || name.startsWith('internal.member_'));
}

/** An operand of an infix operator: parenthesised when it is itself an infix call. */
function operand(t: Term): string {
  return isInfixCall(t) ? `(${printTerm(t)})` : printTerm(t);
}

export function printCall(op: RefTerm, args: readonly Term[]): string {
  const name = operatorName(op);
  const [a, b, c] = args;
  if (name !== undefined && a !== undefined && b !== undefined) {
    const sym = INFIX[name];
    if (sym !== undefined && args.length === 2) return `${operand(a)} ${sym} ${operand(b)}`;
    if (name === 'internal.member_2' && args.length === 2) return `${operand(a)} in ${operand(b)}`;
    // Parenthesised so the comma cannot be read as a list separator (`[(k, v in xs)]`).
    if (name === 'internal.member_3' && c !== undefined) return `(${operand(a)}, ${operand(b)} in ${operand(c)})`;
  }
  return `${printRef(op)}(${args.map(printTerm).join(', ')})`;
}

export function printRef(r: RefTerm): string {
  const head = r.head.type === 'call' && isInfixCall(r.head) ? `(${printTerm(r.head)})` : printTerm(r.head);
  return head + r.path.map((p) => (p.type === 'string' && IDENT.test(p.value) ? `.${p.value}` : `[${printTerm(p)}]`)).join('');
}

export function printTerm(t: Term): string {
  switch (t.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(t.value);
    case 'number':
      return t.value;
    case 'string':
      return JSON.stringify(t.value);
    case 'var':
      return t.value.startsWith('$') ? '_' : t.value;
    case 'ref':
      return printRef(t);
    case 'array':
      return `[${t.value.map(printTerm).join(', ')}]`;
    case 'set':
      return t.value.length === 0 ? 'set()' : `{${t.value.map(printTerm).join(', ')}}`;
    case 'object':
      return `{${t.value.map(([k, v]) => `${printTerm(k)}: ${printTerm(v)}`).join(', ')}}`;
    case 'arraycomprehension':
      return `[${operand(t.term)} | ${printInlineBody(t.body)}]`;
    case 'setcomprehension':
      return `{${operand(t.term)} | ${printInlineBody(t.body)}}`;
    case 'objectcomprehension':
      return `{${operand(t.key)}: ${operand(t.value)} | ${printInlineBody(t.body)}}`;
    case 'call':
      return printCall(t.operator, t.args);
  }
}

export function printInlineBody(body: Body): string {
  return body.map((e) => printExpr(e)).join('; ');
}

/** A body as indented lines, for rule bodies and `every`. */
export function printBlock(body: Body, indent: string): string {
  return `{\n${body.map((e) => `${indent}\t${printExpr(e, `${indent}\t`)}`).join('\n')}\n${indent}}`;
}

export function printExpr(e: Expr, indent = ''): string {
  const core = printExprTerms(e, indent);
  const withs = e.with.map(printWith).join('');
  return `${e.negated ? 'not ' : ''}${core}${withs}`;
}

function printWith(w: With): string {
  return ` with ${printTerm(w.target)} as ${printTerm(w.value)}`;
}

function printExprTerms(e: Expr, indent: string): string {
  const t = e.terms;
  switch (t.kind) {
    case 'term':
      return printTerm(t.term);
    case 'call': {
      const name = operatorName(t.operator);
      const [a, b] = t.args;
      if ((name === 'assign' || name === 'eq') && a !== undefined && b !== undefined && t.args.length === 2) {
        return `${printTerm(a)} ${name === 'assign' ? ':=' : '='} ${printTerm(b)}`;
      }
      return printCall(t.operator, t.args);
    }
    case 'some': {
      const d = t.decl;
      if (d.kind === 'vars') return `some ${d.vars.map(printTerm).join(', ')}`;
      const key = d.key === undefined ? '' : `${operand(d.key)}, `;
      return `some ${key}${operand(d.value)} in ${operand(d.collection)}`;
    }
    case 'every': {
      const ev = t.every;
      const key = ev.key === undefined ? '' : `${printTerm(ev.key)}, `;
      return `every ${key}${printTerm(ev.value)} in ${operand(ev.domain)} ${printBlock(ev.body, indent)}`;
    }
  }
}
