// AST -> Rego source, for debugging dumps and round-trip tests. The output is canonical rather
// than faithful (one rule per block, `:=`/`=` kept, comments dropped) and re-parses to the same
// tree, locations aside.
import { printBlock, printExpr, printRef, printTerm } from './print-term.js';
import type { Body, Import, Module, RefTerm, Rule, RuleHead } from './types.js';

export { printTerm, printExpr, printRef } from './print-term.js';

export function printModule(m: Module): string {
  const parts = [`package ${printPackagePath(m.package.path)}`];
  if (m.imports.length > 0) parts.push(m.imports.map(printImport).join('\n'));
  for (const r of m.rules) parts.push(printRule(r));
  return `${parts.join('\n\n')}\n`;
}

/** `data.a.b` -> `a.b`: a package path is written without its `data` root. */
function printPackagePath(path: RefTerm): string {
  const [first, ...rest] = path.path;
  if (first?.type !== 'string') return printRef(path);
  return printRef({ ...path, head: { type: 'var', value: first.value, location: first.location }, path: rest });
}

function printImport(i: Import): string {
  return `import ${printRef(i.path)}${i.alias === undefined ? '' : ` as ${i.alias}`}`;
}

export function printRule(r: Rule): string {
  if (r.default) return `default ${printHead(r.head)}`;
  let out = `${printHead(r.head)}${printBody(r.body)}`;
  for (let e = r.else; e !== undefined; e = e.else) {
    const h = e.head;
    const value = h.kind === 'contains' || isImplicit(h) ? '' : ` ${h.assign ? ':=' : '='} ${printTerm(h.value)}`;
    out += ` else${value}${printBody(e.body)}`;
  }
  return out;
}

function isImplicit(h: Exclude<RuleHead, { kind: 'contains' }>): boolean {
  return h.value.type === 'boolean' && h.value.generated === true;
}

function printHead(h: RuleHead): string {
  const ref = printRef(h.ref);
  if (h.kind === 'contains') return `${ref} contains ${printTerm(h.key)}`;
  const name = h.kind === 'function' ? `${ref}(${h.args.map(printTerm).join(', ')})` : ref;
  return isImplicit(h) ? name : `${name} ${h.assign ? ':=' : '='} ${printTerm(h.value)}`;
}

function printBody(body: Body): string {
  const only = body[0];
  if (body.length === 1 && only !== undefined && only.generated === true) return '';
  return ` if ${printBlock(body, '')}`;
}

/** A query, one expression per line. */
export function printQuery(body: Body): string {
  return body.map((e) => printExpr(e)).join('\n');
}
