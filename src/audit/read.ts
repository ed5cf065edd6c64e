// Reading audit files for the verifier and the query tools: every line with where it sits (file,
// line number, byte range) and, when it is a JSON object, its parsed value. Files may be given in
// any order; they are put in chain order by the seq of their first record.
//
// Lines are read a block at a time, so the verifier's memory stays bounded however large the
// files are: at most one line of MAX_LINE_BYTES is held, and a longer line is reported as not a
// record (the verifier then calls it tamper unless a torn record seals it).

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ByteAccumulator } from '../util/byte-accumulator.js';

/** Far above any record the proxy writes; what an edited file may hold beyond it is not read. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;
const BLOCK = 64 * 1024;

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

/** Calls `read(block, position)` over the byte range [from, to) of an open file, a block at a time. */
export function readRange(fd: number, from: number, to: number, read: (block: Buffer) => boolean | void): void {
  const block = Buffer.allocUnsafe(BLOCK);
  for (let position = from; position < to; ) {
    const n = readSync(fd, block, 0, Math.min(BLOCK, to - position), position);
    if (n === 0) return;
    if (read(block.subarray(0, n)) === false) return;
    position += n;
  }
}

/** The file's lines in order, read a block at a time. */
export function* logLines(path: string): Generator<LogLine> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const block = Buffer.allocUnsafe(BLOCK);
    const line = new ByteAccumulator();
    let tooLong = false;
    let start = 0;
    let n = 0;
    const finish = (end: number): LogLine => {
      n += 1;
      const record = tooLong || line.length === 0 ? undefined : parseObject(line.bytes().toString('utf8'));
      const out = { file: path, line: n, offset: start, end, record };
      line.consume(line.length);
      tooLong = false;
      start = end + 1;
      return out;
    };
    for (let position = 0; position < size; ) {
      const got = readSync(fd, block, 0, Math.min(BLOCK, size - position), position);
      if (got === 0) break;
      let from = 0;
      while (from < got) {
        const nl = block.indexOf(0x0a, from);
        const stop = nl < 0 || nl >= got ? got : nl;
        if (!tooLong && line.length + (stop - from) > MAX_LINE_BYTES) {
          tooLong = true;
          line.consume(line.length);
        }
        if (!tooLong) line.append(block.subarray(from, stop));
        if (stop === got) break;
        yield finish(position + stop);
        from = stop + 1;
      }
      position += got;
    }
    if (start < size) yield finish(size);
  } finally {
    closeSync(fd);
  }
}

/** The file with the seq of its first record, read only as far as that record. */
function logFile(path: string): LogFile {
  for (const l of logLines(path)) if (l.record !== undefined) return { path, firstSeq: l.record['seq'] as number };
  return { path, firstSeq: undefined };
}

/** The files in chain order: by first seq, files without records last (in the order given). */
export function readLog(paths: readonly string[]): LogFile[] {
  const files = paths.map(logFile);
  const rank = (f: LogFile): number => f.firstSeq ?? Number.POSITIVE_INFINITY;
  return files.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
}

/** Every parsed record, in chain order (the query tools hold them all; the verifier streams). */
export function records(files: readonly LogFile[]): Readonly<Record<string, unknown>>[] {
  const out: Readonly<Record<string, unknown>>[] = [];
  for (const f of files) for (const l of logLines(f.path)) if (l.record !== undefined) out.push(l.record);
  return out;
}
