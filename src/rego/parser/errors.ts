// Parse errors in OPA's shape: `file:row:col: rego_parse_error: reason`, then the offending source
// line and a caret under the column, each indented by a tab. A module with several problems throws
// one ParseError that lists them all (up to the configured limit), first one first.

export const PARSE_ERROR_CODE = 'rego_parse_error';

export interface ParseProblem {
  readonly file: string;
  readonly row: number;
  readonly col: number;
  /** UTF-16 offset of the problem in the source, for the caret line. */
  readonly offset: number;
  readonly reason: string;
}

/** The longest source line echoed in a message; hostile one-line inputs must not bloat errors. */
const MAX_ECHO = 200;

export class ParseError extends Error {
  readonly code = PARSE_ERROR_CODE;
  readonly file: string;
  readonly row: number;
  readonly col: number;
  readonly reason: string;
  readonly problems: readonly ParseProblem[];

  constructor(problems: readonly ParseProblem[], source: string) {
    const first = problems[0] ?? { file: '', row: 0, col: 0, offset: 0, reason: 'unknown parse error' };
    const lines = problems.map((p) => formatProblem(p, source));
    const message = lines.length === 1 ? (lines[0] ?? '') : `${lines.length} errors occurred:\n${lines.join('\n')}`;
    super(message);
    this.name = 'ParseError';
    this.file = first.file;
    this.row = first.row;
    this.col = first.col;
    this.reason = first.reason;
    this.problems = problems.length > 0 ? problems : [first];
  }
}

export function formatProblem(p: ParseProblem, source: string): string {
  const head = `${p.file === '' ? '' : `${p.file}:`}${p.row}:${p.col}: ${PARSE_ERROR_CODE}: ${p.reason}`;
  const detail = caretLines(source, p.offset);
  return detail === undefined ? head : `${head}\n\t${detail[0]}\n\t${detail[1]}`;
}

/** The source line holding `offset` and a caret line that keeps the line's tabs aligned. */
function caretLines(source: string, offset: number): [string, string] | undefined {
  if (offset < 0 || offset > source.length) return undefined;
  const begin = source.lastIndexOf('\n', offset - 1) + 1;
  let end = source.indexOf('\n', offset);
  if (end < 0) end = source.length;
  let line = source.slice(begin, end).replace(/\r$/, '');
  let idx = offset - begin;
  if (line.trim() === '') return undefined;
  if (line.length > MAX_ECHO) {
    const from = Math.max(0, Math.min(idx - MAX_ECHO / 2, line.length - MAX_ECHO));
    line = line.slice(from, from + MAX_ECHO);
    idx -= from;
  }
  idx = Math.min(idx, line.length);
  const caret = line.slice(0, idx).replace(/[^\t]/g, ' ') + '^';
  return [line, caret];
}
