// Module level: `package`, then imports and rules in any order. A failed statement records its
// problem and parsing resumes at the next line that starts in column 1, so one run reports
// several independent mistakes (up to the error limit).
import type { Import, Package, RefTerm, Rule, Term } from '../ast/types.js';
import type { ParseProblem } from './errors.js';
import { parseTerm } from './parse-term.js';
import { parseRule } from './parse-rule.js';
import { validateImport } from './validate-import.js';
import { Bail, type ParserState } from './state.js';

export interface ModuleParts {
  readonly package: Package | undefined;
  readonly imports: Import[];
  readonly rules: Rule[];
  readonly problems: ParseProblem[];
}

export function parseModuleParts(p: ParserState): ModuleParts {
  const parts: ModuleParts = { package: undefined, imports: [], rules: [], problems: p.problems };
  if (p.is('eof')) {
    p.report('empty module');
    return parts;
  }
  let pkg: Package | undefined;
  let first = true;
  while (!p.is('eof') && p.problems.length < p.limits.maxErrors) {
    try {
      if (first) {
        if (!p.is('package')) p.fail('package expected');
        pkg = parsePackage(p);
      } else if (p.is('import')) {
        parts.imports.push(parseImport(p));
      } else {
        parts.rules.push(parseRule(p));
      }
    } catch (e) {
      if (!(e instanceof Bail)) throw e;
      p.problems.push(e.problem);
      if (first) break;
      resync(p);
    }
    first = false;
  }
  return { ...parts, package: pkg };
}

/**
 * Skip past the failing token to the next name or keyword that starts a line in column 1: likely
 * the next statement (a `}` in column 1 more likely closes the broken one).
 */
function resync(p: ParserState): void {
  p.next();
  while (!p.is('eof') && !(p.tok.newline && p.tok.col === 1 && /^[a-z]+$/.test(p.tok.kind))) p.next();
}

function parsePackage(p: ParserState): Package {
  const start = p.next(); // package
  if (!p.is('ident')) p.unexpected('expected ident');
  const term = parseTerm(p);
  const parts = termPath(p, term);
  const [name, ...rest] = parts;
  const head = { type: 'var' as const, value: 'data', location: name?.location ?? p.tokenLoc(start) };
  const first = { type: 'string' as const, value: name?.type === 'var' ? name.value : '', location: head.location };
  const path: RefTerm = { type: 'ref', head, path: [first, ...rest], location: term.location };
  return { path, location: p.loc(start) };
}

/** A dotted path of names: var head, then string elements only. */
function termPath(p: ParserState, term: Term): Term[] {
  if (term.type === 'var') return [term];
  if (term.type !== 'ref' || term.head.type !== 'var') return p.fail(`unexpected ${term.type} token: expecting var`);
  for (const el of term.path) {
    if (el.type !== 'string') p.fail(`unexpected ${el.type} token: expecting string`);
  }
  return [term.head, ...term.path];
}

function parseImport(p: ParserState): Import {
  const start = p.next(); // import
  if (!p.is('ident')) p.unexpected('expected ident');
  const pathStart = p.tok;
  const term = parseTerm(p);
  const [head, ...rest] = termPath(p, term);
  const path: RefTerm = term.type === 'ref' ? term : { type: 'ref', head: head ?? term, path: rest, location: term.location };
  let alias: string | undefined;
  if (p.is('as')) {
    p.next();
    if (!p.is('ident')) p.unexpected('expected var');
    alias = p.text(p.next());
  }
  const imp: Import = alias === undefined ? { path, location: p.loc(start) } : { path, alias, location: p.loc(start) };
  validateImport(p, imp, pathStart);
  return imp;
}
