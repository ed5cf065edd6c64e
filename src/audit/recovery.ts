// Reopening the log after a crash. The chain resumes from the last complete, correctly hashed
// line. Whatever follows it (a line torn by the crash) is kept in the file and sealed by a
// `torn` record naming its offset, length and SHA-256, so the verifier can tell a crash from
// tampering and nothing is silently dropped.

import { closeSync, fstatSync, fsyncSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { lineHash, sha256Hex } from './canonical.js';
import { Chain, EMPTY_HEAD, type ChainHead } from './chain.js';
import { listSegments, type SegmentStart } from './segments.js';

export interface Recovered {
  readonly head: ChainHead;
  /** The active file's first chained line, if it has one. */
  readonly activeStart: SegmentStart | undefined;
  /** Bytes in the active file after sealing. */
  readonly size: number;
  /** False for a device or pipe: no rotation, no sealing. */
  readonly regularFile: boolean;
  /** What was sealed, if anything. */
  readonly sealed?: { readonly offset: number; readonly bytes: number };
}

interface Located {
  readonly seq: number;
  readonly hash: string;
  readonly time: string;
  /** Byte offset just past the line (past its newline when it has one). */
  readonly end: number;
  readonly newline: boolean;
}

/** A line that is a chained record whose hash is right, or undefined. */
export function parseChained(text: string): { seq: number; hash: string; time: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r['seq'] !== 'number' || typeof r['hash'] !== 'string' || typeof r['prev'] !== 'string') return undefined;
  if (lineHash(r) !== r['hash']) return undefined;
  return { seq: r['seq'], hash: r['hash'], time: typeof r['time'] === 'string' ? r['time'] : '' };
}

function readRange(fd: number, start: number, end: number): Buffer {
  const buf = Buffer.alloc(end - start);
  let done = 0;
  while (done < buf.length) {
    const n = readSync(fd, buf, done, buf.length - done, start + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

/** The last valid chained line, reading backwards in growing windows. */
function lastChained(fd: number, size: number): Located | undefined {
  for (let window = Math.min(size, 1 << 20); ; window = Math.min(size, window * 4)) {
    const start = size - window;
    const buf = readRange(fd, start, size);
    let end = buf.length;
    while (end > 0) {
      const newline = buf[end - 1] === 0x0a;
      const contentEnd = newline ? end - 1 : end;
      const nl = contentEnd === 0 ? -1 : buf.lastIndexOf(0x0a, contentEnd - 1);
      // The window's first line may be cut off; widen the window instead of judging it.
      if (nl < 0 && start > 0) break;
      const found = parseChained(buf.subarray(nl + 1, contentEnd).toString('utf8'));
      if (found !== undefined) return { ...found, end: start + end, newline };
      end = nl + 1;
    }
    if (window === size) return undefined;
  }
}

function firstChained(fd: number, size: number): SegmentStart | undefined {
  const buf = readRange(fd, 0, Math.min(size, 1 << 20));
  let start = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    const end = nl < 0 ? buf.length : nl;
    const found = parseChained(buf.subarray(start, end).toString('utf8'));
    if (found !== undefined) return { seq: found.seq, time: found.time };
    start = end + 1;
  }
  return undefined;
}

/** The head of the chain as the last rotated file left it. */
function segmentsHead(activePath: string): ChainHead {
  const last = listSegments(activePath).at(-1);
  if (last === undefined) return EMPTY_HEAD;
  const fd = openSync(last, 'r');
  try {
    const found = lastChained(fd, fstatSync(fd).size);
    return found === undefined ? EMPTY_HEAD : { seq: found.seq, hash: found.hash };
  } finally {
    closeSync(fd);
  }
}

export function recover(activePath: string, now: () => string): Recovered {
  let isFile: boolean;
  try {
    isFile = statSync(activePath).isFile();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return { head: segmentsHead(activePath), activeStart: undefined, size: 0, regularFile: true };
  }
  if (!isFile) return { head: EMPTY_HEAD, activeStart: undefined, size: 0, regularFile: false };
  const fd = openSync(activePath, 'r+');
  try {
    let size = fstatSync(fd).size;
    const last = size === 0 ? undefined : lastChained(fd, size);
    const head = last === undefined ? segmentsHead(activePath) : { seq: last.seq, hash: last.hash };
    let sealed: Recovered['sealed'];
    if (last !== undefined && !last.newline) {
      // The crash came between a complete line and its newline: the line stands.
      writeSync(fd, '\n', size);
      size += 1;
    }
    const tornFrom = last === undefined ? 0 : last.end + (last.newline ? 0 : 1);
    let resumed = head;
    if (tornFrom < size) {
      sealed = { offset: tornFrom, bytes: size - tornFrom };
      ({ size, head: resumed } = seal(fd, tornFrom, size, head, now));
    }
    fsyncSync(fd);
    return { head: resumed, activeStart: firstChained(fd, size), size, regularFile: true, ...(sealed ? { sealed } : {}) };
  } finally {
    closeSync(fd);
  }
}

/** Appends the torn marker after the bytes [from, size); returns the new size and head. */
function seal(fd: number, from: number, size: number, head: ChainHead, now: () => string): { size: number; head: ChainHead } {
  const torn = readRange(fd, from, size);
  const chain = new Chain(head);
  const { line } = chain.link({ kind: 'torn', time: now(), offset: from, bytes: torn.length, sha256: sha256Hex(torn) });
  const text = (torn[torn.length - 1] === 0x0a ? '' : '\n') + line;
  writeSync(fd, text, size);
  return { size: size + Buffer.byteLength(text), head: chain.head };
}
