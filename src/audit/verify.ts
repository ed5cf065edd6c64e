// Verifies audit files: every line's hash, every link to the line before, every checkpoint's
// Ed25519 signature, and that torn lines are sealed. Stops at the first broken line and names
// the kind of tamper it sees there.
//
// The log may have been edited by an attacker, so the verifier reads it as hostile input: it
// streams each file a block at a time (memory stays bounded whatever the file sizes), and any
// line it cannot read, however malformed or deeply nested, is reported as tamper, never a crash.

import { createHash, type KeyObject } from 'node:crypto';
import { closeSync, fstatSync, openSync } from 'node:fs';
import { GENESIS_HASH, lineHash, NestingTooDeep } from './canonical.js';
import { checkpointSignatureValid } from './chain.js';
import { logLines, readLog, readRange, type LogFile, type LogLine } from './read.js';
import { keyIdOf } from './signing-key.js';

export type TamperKind = 'edit' | 'deletion' | 'reordering' | 'truncation' | 'forged-checkpoint';

export interface Tamper {
  readonly kind: TamperKind;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface VerifyReport {
  readonly files: number;
  readonly lines: number;
  readonly records: number;
  readonly checkpoints: number;
  readonly sealedTorn: number;
  /** Records after the last checkpoint: a crash and a cut-off tail look alike there. */
  readonly unsignedTail: number;
  readonly warnings: readonly string[];
  readonly tamper?: Tamper;
}

interface State {
  expected: number;
  head: string;
  /** The last chained line, for reporting an edit that was rehashed. */
  previous: LogLine | undefined;
  /** Unparseable lines since the last good one (consecutive): a torn record must account for them. */
  garbage: { readonly first: LogLine; last: LogLine } | undefined;
  records: number;
  checkpoints: number;
  sealedTorn: number;
  unsigned: number;
  /** Index of the current line in chain order. */
  index: number;
}

class Broken extends Error {
  constructor(readonly tamper: Tamper) {
    super(tamper.message);
  }
}

const broken = (kind: TamperKind, at: Pick<LogLine, 'file' | 'line'>, message: string): Broken => new Broken({ kind, file: at.file, line: at.line, message });

/** Verifies the audit files at `paths`, given in any order. */
export function verifyLog(paths: readonly string[], publicKey?: KeyObject): VerifyReport {
  const files = readLog(paths);
  const state: State = { expected: 1, head: GENESIS_HASH, previous: undefined, garbage: undefined, records: 0, checkpoints: 0, sealedTorn: 0, unsigned: 0, index: -1 };
  const warnings: string[] = [];
  if (publicKey === undefined) warnings.push('no --key given: checkpoint signatures were NOT checked');
  let lines = 0;
  let tamper: Tamper | undefined;
  try {
    for (const [i, file] of files.entries()) {
      for (const line of logLines(file.path)) {
        lines += 1;
        checkLine(state, files, i, line, publicKey);
      }
      if (state.garbage !== undefined) {
        const first = state.garbage.first;
        const last = i === files.length - 1;
        throw broken('truncation', first, last ? 'the log ends in a torn line that no restart has sealed (cut mid-line, or the proxy has not restarted since a crash)' : `${file.path} ends mid-line and the chain does not continue from it`);
      }
    }
  } catch (e) {
    if (!(e instanceof Broken)) throw e;
    tamper = e.tamper;
  }
  if (tamper === undefined && state.unsigned > 0) warnings.push(`${state.unsigned} record(s) after the last checkpoint are not signed (a crash or a cut-off tail look the same there)`);
  return {
    files: files.length,
    lines,
    records: state.records,
    checkpoints: state.checkpoints,
    sealedTorn: state.sealedTorn,
    unsignedTail: state.unsigned,
    warnings,
    ...(tamper === undefined ? {} : { tamper }),
  };
}

/**
 * Whether a line carrying `seq` comes after line `after` of file `from` (in chain order). Read
 * ahead only once, when the chain has already broken, to tell a reordering from a deletion.
 */
function seqComesLater(files: readonly LogFile[], from: number, after: number, seq: number): boolean {
  for (let i = from; i < files.length; i++) {
    for (const l of logLines(files[i]!.path)) if ((i > from || l.line > after) && l.record?.['seq'] === seq) return true;
  }
  return false;
}

function checkLine(state: State, files: readonly LogFile[], fileIndex: number, line: LogLine, key: KeyObject | undefined): void {
  state.index += 1;
  const r = line.record;
  if (r === undefined) {
    if (state.garbage === undefined) state.garbage = { first: line, last: line };
    else state.garbage.last = line;
    return;
  }
  if (typeof r['hash'] !== 'string' || typeof r['prev'] !== 'string' || hashOf(line, r) !== r['hash']) {
    throw broken('edit', line, 'the line does not match its hash: it was changed after it was written');
  }
  if (r['kind'] === 'torn') acceptTorn(state, line, r);
  else if (state.garbage !== undefined) throw broken('edit', state.garbage.first, 'a line that is not a valid record, and no torn record seals it');
  checkLink(state, line, r, (seq) => seqComesLater(files, fileIndex, line.line, seq));
  if (r['kind'] === 'checkpoint') checkCheckpoint(state, line, r, key);
  else state.unsigned += 1;
  state.records += 1;
  state.head = r['hash'] as string;
  state.expected += 1;
  state.previous = line;
}

/** The line's hash; a record nested deeper than any the proxy writes is an edit, not a crash. */
function hashOf(line: LogLine, r: Readonly<Record<string, unknown>>): string {
  try {
    return lineHash(r);
  } catch (e) {
    if (e instanceof NestingTooDeep) throw broken('edit', line, `the line nests values deeper than any record the proxy writes (${(e as Error).message})`);
    throw broken('edit', line, 'the line cannot be hashed as a record');
  }
}

function checkLink(state: State, line: LogLine, r: Readonly<Record<string, unknown>>, comesLater: (seq: number) => boolean): void {
  const seq = r['seq'] as number;
  if (state.records === 0 && seq !== 1) {
    throw broken('truncation', line, `the chain starts at seq ${seq}, not 1: the log's beginning (or its first file) is missing`);
  }
  if (seq === state.expected && r['prev'] === state.head) return;
  if (seq === state.expected) {
    const at = state.previous ?? line;
    throw broken('edit', at, `line ${line.file}:${line.line} does not link to this line's hash: this line was changed and rehashed (or replaced)`);
  }
  if (seq < state.expected) throw broken('reordering', line, `seq ${seq} appears after seq ${state.expected - 1}: lines were moved or replayed`);
  if (comesLater(state.expected)) {
    throw broken('reordering', line, `seq ${seq} appears where seq ${state.expected} belongs; seq ${state.expected} comes later`);
  }
  const missing = seq - state.expected;
  if (state.previous !== undefined && state.previous.file !== line.file) {
    throw broken('truncation', line, `${missing} record(s) (seq ${state.expected}..${seq - 1}) are missing at the end of ${state.previous.file}`);
  }
  throw broken('deletion', line, `${missing} record(s) (seq ${state.expected}..${seq - 1}) are missing before this line`);
}

function acceptTorn(state: State, line: LogLine, r: Readonly<Record<string, unknown>>): void {
  const offset = r['offset'];
  const bytes = r['bytes'];
  const fd = openSync(line.file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (typeof offset !== 'number' || typeof bytes !== 'number' || !Number.isSafeInteger(offset) || !Number.isSafeInteger(bytes) || offset < 0 || bytes < 0 || offset + bytes > size) {
      throw broken('edit', line, 'a torn record whose byte range is not in this file');
    }
    const hash = createHash('sha256');
    readRange(fd, offset, offset + bytes, (block) => void hash.update(block));
    if (hash.digest('hex') !== r['sha256']) throw broken('edit', line, `the torn bytes at offset ${offset} no longer match what the torn record sealed`);
    const garbage = state.garbage;
    if (garbage !== undefined && (garbage.first.offset < offset || garbage.last.end > offset + bytes)) {
      const outside = garbage.first.offset < offset ? garbage.first : lineEndingAfter(fd, garbage.first, offset + bytes);
      throw broken('edit', outside, 'a line that is not a valid record, outside what the torn record seals');
    }
  } finally {
    closeSync(fd);
  }
  state.garbage = undefined;
  state.sealedTorn += 1;
}

/** Of the consecutive lines from `first` on, the first that ends after byte `limit`. */
function lineEndingAfter(fd: number, first: LogLine, limit: number): Pick<LogLine, 'file' | 'line'> {
  let line = first.line;
  let position = first.offset;
  readRange(fd, first.offset, limit + 1, (block) => {
    for (let nl = block.indexOf(0x0a); nl >= 0; nl = block.indexOf(0x0a, nl + 1)) {
      if (position + nl > limit) return false;
      line += 1;
    }
    position += block.length;
    return true;
  });
  return { file: first.file, line };
}

function checkCheckpoint(state: State, line: LogLine, r: Readonly<Record<string, unknown>>, key: KeyObject | undefined): void {
  state.checkpoints += 1;
  state.unsigned = 0;
  if (key === undefined) return;
  if (r['keyId'] !== keyIdOf(key)) throw broken('forged-checkpoint', line, `checkpoint signed by key ${String(r['keyId'])}, not by the given key ${keyIdOf(key)}`);
  if (typeof r['signature'] !== 'string' || !checkpointSignatureValid(r['hash'] as string, r['signature'], key)) {
    throw broken('forged-checkpoint', line, 'the checkpoint signature does not verify: it was forged, or the lines before it were rewritten');
  }
}
