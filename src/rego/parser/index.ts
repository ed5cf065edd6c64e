// Facade of the Rego v1 parser: source text in, AST (src/rego/ast/types.ts) out, or a ParseError
// listing every problem found (OPA's `rego_parse_error`).
import type { Body, Module } from '../ast/types.js';
import { ParseError, type ParseProblem } from './errors.js';
import { lex } from './lexer.js';
import { resolveLimits, type ParseLimits, type ParseOptions } from './limits.js';
import { parseQueryUntil } from './parse-body.js';
import { parseModuleParts } from './parse-module.js';
import { Bail, ParserState } from './state.js';

export { ParseError, PARSE_ERROR_CODE, type ParseProblem } from './errors.js';
export { DEFAULT_LIMITS, type ParseLimits, type ParseOptions } from './limits.js';

export function parseModule(text: string, file: string, options?: ParseOptions): Module {
  const limits = resolveLimits(options);
  return guarded(text, file, limits, () => {
    const { state, comments } = start(text, file, limits);
    const parts = parseModuleParts(state);
    const problems = sortProblems(parts.problems);
    if (problems.length > 0 || parts.package === undefined) throw new ParseError(problems.slice(0, limits.maxErrors), text);
    return { file, package: parts.package, imports: parts.imports, rules: parts.rules, comments };
  });
}

/** A query such as `data.app.allow == true; x := 1`. */
export function parseQuery(text: string, options?: ParseOptions & { file?: string }): Body {
  const limits = resolveLimits(options);
  const file = options?.file ?? '';
  return guarded(text, file, limits, () => {
    const { state } = start(text, file, limits);
    let body: Body | undefined;
    try {
      body = parseQueryUntil(state, 'eof');
    } catch (e) {
      if (!(e instanceof Bail)) throw e;
      state.problems.push(e.problem);
    }
    if (state.problems.length > 0 || body === undefined) throw new ParseError(sortProblems(state.problems), text);
    return body;
  });
}

function start(text: string, file: string, limits: ParseLimits) {
  const lexed = lex(text, file, limits.maxTokens, limits.maxErrors);
  const state = new ParserState(text, file, lexed.tokens, limits);
  state.problems.push(...lexed.problems);
  return { state, comments: lexed.comments };
}

/** Size cap up front; a stack overflow (only possible with a raised maxDepth) becomes a ParseError. */
function guarded<T>(text: string, file: string, limits: ParseLimits, run: () => T): T {
  const at = { file, row: 1, col: 1, offset: 0 };
  if (text.length > limits.maxBytes || Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
    throw new ParseError([{ ...at, reason: `input too large (limit ${limits.maxBytes} bytes)` }], '');
  }
  try {
    return run();
  } catch (e) {
    if (e instanceof RangeError) throw new ParseError([{ ...at, reason: 'max parsing recursion depth exceeded' }], '');
    throw e;
  }
}

/**
 * Lexer and parser problems interleave by position. A lexical problem explains the parser's
 * "illegal token" at the same spot, so that echo is dropped, as are exact duplicates.
 */
function sortProblems(problems: readonly ParseProblem[]): ParseProblem[] {
  const lexical = new Set(problems.filter((pr) => pr.reason !== 'illegal token').map((pr) => pr.offset));
  const seen = new Set<string>();
  return [...problems]
    .sort((a, b) => a.offset - b.offset)
    .filter((pr) => {
      const key = `${pr.offset}:${pr.reason}`;
      if (seen.has(key) || (pr.reason === 'illegal token' && lexical.has(pr.offset))) return false;
      seen.add(key);
      return true;
    });
}
