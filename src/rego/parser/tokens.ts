// Token kinds of the Rego lexer. Punctuation and keywords are their own spelling so the parser
// reads like the grammar (`if (tok.kind === ':=')`) and error messages can quote them directly.

export const KEYWORDS = [
  'package',
  'import',
  'as',
  'default',
  'else',
  'not',
  'some',
  'with',
  'null',
  'true',
  'false',
  'in',
  'every',
  'contains',
  'if',
] as const;

export type Keyword = (typeof KEYWORDS)[number];

export const PUNCTUATION = [
  '[', ']', '{', '}', '(', ')', ',', ':', ':=', '=', '==', '!=', '<', '<=', '>', '>=',
  '+', '-', '*', '/', '%', '&', '|', ';', '.',
] as const;

export type Punctuation = (typeof PUNCTUATION)[number];

/**
 * Template strings (`$"a{x}b"`, `` $`a{x}b` ``) lex as pieces around their expressions:
 * `template` has no expression, otherwise `templatestart` (`$"a{`), `templatemid` (`}b{`) and
 * `templateend` (`}b"`) surround the expressions' own tokens.
 */
export type TemplateKind = 'template' | 'templatestart' | 'templatemid' | 'templateend';

export type TokenKind = 'ident' | 'number' | 'string' | 'rawstring' | 'eof' | 'illegal' | TemplateKind | Keyword | Punctuation;

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

export function isKeyword(s: string): s is Keyword {
  return KEYWORD_SET.has(s);
}

export interface Token {
  readonly kind: TokenKind;
  /** UTF-16 offsets into the source: `source.slice(start, end)` is the token text. */
  readonly start: number;
  readonly end: number;
  readonly row: number;
  readonly col: number;
  /** Whitespace or a comment separates this token from the previous one. */
  readonly spaced: boolean;
  /** A newline separates this token from the previous one (ends an expression in a body). */
  readonly newline: boolean;
}

/** How a token is named in error messages, the way OPA names them. */
export function describeToken(kind: TokenKind): string {
  switch (kind) {
    case 'rawstring':
    case 'template':
    case 'templatestart':
    case 'templatemid':
    case 'templateend':
      return 'string';
    case 'illegal':
      return 'illegal';
    default:
      return kind;
  }
}
