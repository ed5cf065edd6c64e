// Hand-written scanner: source text -> tokens, comments and lexical problems. It runs in one pass
// with no backtracking, so its cost is linear in the input whatever the input is.
import type { ParseProblem } from './errors.js';
import type { Comment } from '../ast/types.js';
import { isKeyword, type Token, type TokenKind } from './tokens.js';

export interface LexResult {
  readonly tokens: Token[];
  readonly comments: Comment[];
  readonly problems: ParseProblem[];
}

const SINGLE: Readonly<Record<string, TokenKind>> = {
  '[': '[', ']': ']', '{': '{', '}': '}', '(': '(', ')': ')', ',': ',', ';': ';', '.': '.',
  '+': '+', '-': '-', '*': '*', '/': '/', '%': '%', '&': '&', '|': '|',
};

/** Two-character operators, keyed by their first character. */
const PAIRED: Readonly<Record<string, [single: TokenKind | undefined, double: TokenKind]>> = {
  ':': [':', ':='],
  '=': ['=', '=='],
  '<': ['<', '<='],
  '>': ['>', '>='],
  '!': [undefined, '!='],
};

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isDecimal(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `maxProblems` bounds memory on garbage input: lexing goes on, reporting stops. */
export function lex(source: string, file: string, maxTokens: number, maxProblems = 10): LexResult {
  return new Lexer(source, file, maxTokens, maxProblems).run();
}

class Lexer {
  readonly #src: string;
  readonly #file: string;
  readonly #maxTokens: number;
  readonly #maxProblems: number;
  #pos = 0;
  #row = 1;
  #lineStart = 0;
  readonly #tokens: Token[] = [];
  readonly #comments: Comment[] = [];
  readonly #problems: ParseProblem[] = [];
  /** Open template expressions, innermost last: their quote and their `{` nesting depth. */
  readonly #templates: { raw: boolean; depth: number }[] = [];

  constructor(src: string, file: string, maxTokens: number, maxProblems: number) {
    this.#src = src;
    this.#file = file;
    this.#maxTokens = maxTokens;
    this.#maxProblems = maxProblems;
  }

  run(): LexResult {
    if (this.#src.charCodeAt(0) === 0xfeff) this.#pos = 1;
    let spaced = false;
    let newline = false;
    for (;;) {
      const c = this.#src.charCodeAt(this.#pos);
      if (Number.isNaN(c)) break;
      if (c === 32 || c === 9 || c === 13) {
        this.#pos++;
        spaced = true;
      } else if (c === 10) {
        this.#newline(this.#pos + 1);
        spaced = newline = true;
      } else if (c === 35) {
        this.#comment();
        spaced = true;
      } else {
        if (this.#tokens.length >= this.#maxTokens) {
          this.#problem(this.#pos, `too many tokens (limit ${this.#maxTokens})`);
          break;
        }
        this.#token(spaced, newline);
        spaced = newline = false;
      }
    }
    const eof = { kind: 'eof' as const, start: this.#pos, end: this.#pos, row: this.#row, col: this.#col(this.#pos) };
    this.#tokens.push({ ...eof, spaced, newline });
    return { tokens: this.#tokens, comments: this.#comments, problems: this.#problems };
  }

  #col(offset: number): number {
    return offset - this.#lineStart + 1;
  }

  #newline(nextLineStart: number): void {
    this.#row++;
    this.#lineStart = nextLineStart;
    this.#pos = nextLineStart;
  }

  #problem(offset: number, reason: string, row = this.#row, col = this.#col(offset)): void {
    if (this.#problems.length >= this.#maxProblems) return;
    this.#problems.push({ file: this.#file, row, col, offset, reason });
  }

  #comment(): void {
    const start = this.#pos;
    let end = this.#src.indexOf('\n', start);
    if (end < 0) end = this.#src.length;
    this.#pos = end;
    const raw = this.#src.slice(start, end).replace(/\r$/, '');
    const location = { file: this.#file, row: this.#row, col: this.#col(start), text: raw };
    this.#comments.push({ location, text: raw.slice(1) });
  }

  #token(spaced: boolean, newline: boolean): void {
    const start = this.#pos;
    const row = this.#row;
    const col = this.#col(start);
    const kind = this.#scan(start);
    this.#tokens.push({ kind, start, end: this.#pos, row, col, spaced, newline });
  }

  #scan(start: number): TokenKind {
    const src = this.#src;
    const c = src.charCodeAt(start);
    if (isLetter(c)) return this.#identifier(start);
    if (isDecimal(c)) return this.#number(start);
    if (c === 34) return this.#string(start);
    if (c === 96) return this.#rawString(start);
    if (c === 36 && (src.charCodeAt(start + 1) === 34 || src.charCodeAt(start + 1) === 96)) {
      return this.#templateText(start, start + 2, src.charCodeAt(start + 1) === 96, true);
    }
    const open = this.#templates[this.#templates.length - 1];
    if (open !== undefined && c === 123) open.depth++;
    if (open !== undefined && c === 125) {
      if (open.depth === 0) {
        this.#templates.pop();
        return this.#templateText(start, start + 1, open.raw, false);
      }
      open.depth--;
    }
    const ch = src[start] ?? '';
    const single = SINGLE[ch];
    if (single !== undefined) {
      this.#pos = start + 1;
      return single;
    }
    const paired = PAIRED[ch];
    if (paired !== undefined) {
      if (src.charCodeAt(start + 1) === 61) {
        this.#pos = start + 2;
        return paired[1];
      }
      this.#pos = start + 1;
      if (paired[0] !== undefined) return paired[0];
      this.#problem(start, 'illegal ! character');
      return 'illegal';
    }
    return this.#illegal(start, c);
  }

  #illegal(start: number, c: number): TokenKind {
    // Step over a whole code point so a surrogate pair is reported once.
    const width = c >= 0xd800 && c <= 0xdbff && start + 1 < this.#src.length ? 2 : 1;
    this.#pos = start + width;
    if (c === 0) this.#problem(start, 'illegal null character');
    else if (c === 36) this.#problem(start, 'illegal $ character');
    return 'illegal';
  }

  #identifier(start: number): TokenKind {
    const src = this.#src;
    let i = start + 1;
    for (;;) {
      const c = src.charCodeAt(i);
      if (isLetter(c) || isDecimal(c)) i++;
      else break;
    }
    this.#pos = i;
    const length = i - start;
    // Keywords are 2 to 8 letters: skip the set lookup (and the slice) for every other name.
    if (length < 2 || length > 8) return 'ident';
    const word = src.slice(start, i);
    if (!isKeyword(word)) return 'ident';
    // A keyword directly followed by `.` or `[` starts a ref (`else.x`, `data.foo.in` heads).
    const next = src.charCodeAt(i);
    return next === 46 || next === 91 ? 'ident' : word;
  }

  #number(start: number): TokenKind {
    const src = this.#src;
    let i = start;
    let ok = true;
    while (isDecimal(src.charCodeAt(i))) i++;
    if (src.charCodeAt(i) === 46) {
      i++;
      const from = i;
      while (isDecimal(src.charCodeAt(i))) i++;
      if (i === from) {
        this.#problem(start, 'expected fraction');
        ok = false;
      }
    }
    if ((src.charCodeAt(i) | 32) === 101) {
      i++;
      const sign = src.charCodeAt(i);
      if (sign === 43 || sign === 45) i++;
      const from = i;
      while (isDecimal(src.charCodeAt(i))) i++;
      if (i === from) {
        this.#problem(start, 'expected exponent');
        ok = false;
      }
    }
    if (isLetter(src.charCodeAt(i))) {
      this.#problem(start, 'illegal number format');
      ok = false;
      while (isLetter(src.charCodeAt(i)) || isDecimal(src.charCodeAt(i))) i++;
    }
    this.#pos = i;
    return ok ? 'number' : 'illegal';
  }

  #string(start: number): TokenKind {
    const src = this.#src;
    let i = start + 1;
    for (;;) {
      const c = src.charCodeAt(i);
      if (Number.isNaN(c) || c === 10) {
        this.#pos = i;
        this.#problem(start, 'non-terminated string');
        return 'illegal';
      }
      i++;
      if (c === 34) break;
      if (c === 92) {
        const e = src[i] ?? '';
        if ('\\"/bfnrt'.includes(e) && e !== '') i++;
        else if (e === 'u') i += 5;
        else {
          this.#problem(start, 'illegal escape sequence');
          return this.#skipString(i);
        }
      }
    }
    this.#pos = i;
    return 'string';
  }

  /** After a bad escape, skip to the closing quote so the rest of the line still lexes sensibly. */
  #skipString(from: number): TokenKind {
    const src = this.#src;
    let i = from;
    for (;;) {
      const c = src.charCodeAt(i);
      if (Number.isNaN(c) || c === 10) break;
      i++;
      if (c === 34) break;
      if (c === 92 && src.charCodeAt(i) !== 10) i++;
    }
    this.#pos = i;
    return 'illegal';
  }

  /**
   * Literal text of a template string from `from` up to its closing quote or the `{` of an
   * expression (which is then lexed as ordinary tokens until its matching `}`). `\` escapes the
   * next character (`\{` is a literal brace); raw (backquoted) templates only escape `{`.
   */
  #templateText(start: number, from: number, raw: boolean, first: boolean): TokenKind {
    const src = this.#src;
    const quote = raw ? 96 : 34;
    const startRow = this.#row;
    const startCol = this.#col(start);
    let i = from;
    for (;;) {
      const c = src.charCodeAt(i);
      if (Number.isNaN(c) || (c === 10 && !raw)) {
        this.#pos = i;
        this.#problem(start, 'non-terminated string', startRow, startCol);
        return 'illegal';
      }
      if (c === 10) {
        this.#row++;
        this.#lineStart = i + 1;
      }
      i++;
      if (c === quote) {
        this.#pos = i;
        return first ? 'template' : 'templateend';
      }
      if (c === 123) {
        this.#pos = i;
        this.#templates.push({ raw, depth: 0 });
        return first ? 'templatestart' : 'templatemid';
      }
      if (c === 92 && (!raw || src.charCodeAt(i) === 123)) {
        if (!raw && src.charCodeAt(i) === 10) continue;
        i++;
      }
    }
  }

  #rawString(start: number): TokenKind {
    const src = this.#src;
    const startRow = this.#row;
    const startCol = this.#col(start);
    const close = src.indexOf('`', start + 1);
    const end = close < 0 ? src.length : close + 1;
    // Raw strings may span lines: keep row/column bookkeeping right for what follows.
    for (let nl = src.indexOf('\n', start); nl >= 0 && nl < end; nl = src.indexOf('\n', nl + 1)) {
      this.#row++;
      this.#lineStart = nl + 1;
    }
    this.#pos = end;
    if (close < 0) {
      this.#problem(start, 'non-terminated string', startRow, startCol);
      return 'illegal';
    }
    return 'rawstring';
  }
}
