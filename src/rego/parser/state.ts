// The parser's cursor over the token array, plus what every parse function shares: the source for
// node text, the problem list, the nesting depth and the wildcard counter. Errors unwind to the
// enclosing statement as a Bail, which records one problem; speculative parses (`some x in xs`
// vs `some x`) save a Mark and restore it when they bail.
import type { Location } from '../ast/types.js';
import type { ParseProblem } from './errors.js';
import type { ParseLimits } from './limits.js';
import { describeToken, isKeyword, type Token, type TokenKind } from './tokens.js';

const MAX_REASON = 300;

export class Bail {
  readonly problem: ParseProblem;
  constructor(problem: ParseProblem) {
    this.problem = problem;
  }
}

export interface Mark {
  readonly index: number;
  readonly depth: number;
  readonly wildcard: number;
}

export class ParserState {
  readonly source: string;
  readonly file: string;
  readonly limits: ParseLimits;
  readonly #tokens: readonly Token[];
  #index = 0;
  #depth = 0;
  #wildcard = 0;
  /** Problems that do not stop the statement (e.g. a missing `if`), reported with the rest. */
  readonly problems: ParseProblem[] = [];

  constructor(source: string, file: string, tokens: readonly Token[], limits: ParseLimits) {
    this.source = source;
    this.file = file;
    this.#tokens = tokens;
    this.limits = limits;
  }

  /** The current (not yet consumed) token. The lexer always ends the array with `eof`. */
  get tok(): Token {
    // next() never moves past the final `eof`, so the index is always in range.
    return this.#tokens[this.#index] as Token;
  }

  peek(ahead = 1): Token {
    return this.#at(this.#index + ahead);
  }

  #at(i: number): Token {
    const tokens = this.#tokens;
    return tokens[Math.min(i, tokens.length - 1)] as Token;
  }

  is(kind: TokenKind): boolean {
    return this.tok.kind === kind;
  }

  /** Consumes and returns the current token (never moves past `eof`). */
  next(): Token {
    const t = this.tok;
    if (t.kind !== 'eof') this.#index++;
    return t;
  }

  expect(kind: TokenKind, note?: string): Token {
    if (this.tok.kind !== kind) this.unexpected(note ?? `expected ${kind}`);
    return this.next();
  }

  /** End offset of the last consumed token: where the text of a finished node stops. */
  get lastEnd(): number {
    return this.#index === 0 ? 0 : this.#at(this.#index - 1).end;
  }

  mark(): Mark {
    return { index: this.#index, depth: this.#depth, wildcard: this.#wildcard };
  }

  reset(m: Mark): void {
    this.#index = m.index;
    this.#depth = m.depth;
    this.#wildcard = m.wildcard;
  }

  /** Location spanning from `start` to the last consumed token. */
  loc(start: Token): Location {
    const end = Math.max(start.end, this.lastEnd);
    return { file: this.file, row: start.row, col: start.col, text: this.source.slice(start.start, end) };
  }

  tokenLoc(t: Token): Location {
    return { file: this.file, row: t.row, col: t.col, text: this.source.slice(t.start, t.end) };
  }

  text(t: Token): string {
    return this.source.slice(t.start, t.end);
  }

  wildcard(): string {
    return `$${this.#wildcard++}`;
  }

  enter(): void {
    if (++this.#depth > this.limits.maxDepth) this.fail('max parsing recursion depth exceeded');
  }

  leave(): void {
    this.#depth--;
  }

  problemAt(t: Token, reason: string): ParseProblem {
    // Reasons may quote source (a name, a path); a hostile megabyte identifier must not follow.
    const clipped = reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON)}...` : reason;
    return { file: this.file, row: t.row, col: t.col, offset: t.start, reason: clipped };
  }

  /** Records a problem without unwinding: parsing continues so later problems are found too. */
  report(reason: string, at: Token = this.tok): void {
    this.problems.push(this.problemAt(at, reason));
  }

  fail(reason: string, at: Token = this.tok): never {
    throw new Bail(this.problemAt(at, reason));
  }

  /** OPA's wording: `unexpected } token: expected ...`, `unexpected if keyword`. */
  unexpected(note?: string, at: Token = this.tok): never {
    if (at.kind === 'illegal') this.fail('illegal token', at);
    const kind = at.kind === 'ident' && isKeyword(this.text(at)) ? 'ident' : at.kind;
    const what = `${describeToken(kind)} ${isKeyword(kind) ? 'keyword' : 'token'}`;
    this.fail(note === undefined ? `unexpected ${what}` : `unexpected ${what}: ${note}`, at);
  }
}
