// Reading audit files for the verifier and the query tools: every line with where it sits (file,
// line number, byte range) and, when it is a JSON object, its parsed value. Files may be given in
// any order; they are put in chain order by the seq of their first record.

import { readFileSync } from 'node:fs';

export interface LogLine {
  readonly file: string;
  /** 1-based line number within the file. */
  readonly line: number;
  /** Byte range of the line's content (without its newline) in the file. */
  readonly offset: number;
  readonly end: number;
  /** The parsed line when it is a JSON object with a numeric seq; undefined otherwise. */
  readonly record: Readonly<Record<string, unknown>> | undefined;
}

export interface LogFile {
  readonly path: string;
  readonly bytes: Buffer;
  readonly lines: readonly LogLine[];
  /** seq of the first record, or undefined when the file holds none. */
  readonly firstSeq: number | undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    const r = v as Record<string, unknown>;
    return typeof r['seq'] === 'number' ? r : undefined;
  } catch {
    return undefined;
  }
}

export function readLogFile(path: string): LogFile {
  const bytes = readFileSync(path);
  const lines: LogLine[] = [];
  let offset = 0;
  let n = 0;
  while (offset < bytes.length) {
    const nl = bytes.indexOf(0x0a, offset);
    const end = nl < 0 ? bytes.length : nl;
    n += 1;
    lines.push({ file: path, line: n, offset, end, record: parseObject(bytes.subarray(offset, end).toString('utf8')) });
    offset = end + 1;
  }
  const first = lines.find((l) => l.record !== undefined)?.record?.['seq'];
  return { path, bytes, lines, firstSeq: typeof first === 'number' ? first : undefined };
}

/** The files in chain order: by first seq, files without records last (in the order given). */
export function readLog(paths: readonly string[]): LogFile[] {
  const files = paths.map(readLogFile);
  const rank = (f: LogFile): number => f.firstSeq ?? Number.POSITIVE_INFINITY;
  return files.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
}

/** Every parsed record, in chain order. */
export function records(files: readonly LogFile[]): Readonly<Record<string, unknown>>[] {
  return files.flatMap((f) => f.lines.flatMap((l) => (l.record === undefined ? [] : [l.record])));
}
