// Verifies audit files: every line's hash, every link to the line before, every checkpoint's
// Ed25519 signature, and that torn lines are sealed. Stops at the first broken line and names
// the kind of tamper it sees there.

import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH, lineHash, sha256Hex } from './canonical.js';
import { checkpointSignatureValid } from './chain.js';
import type { LogFile, LogLine } from './read.js';
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
  /** Unparseable lines since the last good one: a torn record must account for them. */
  garbage: LogLine[];
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

export function verifyLog(files: readonly LogFile[], publicKey?: KeyObject): VerifyReport {
  const state: State = { expected: 1, head: GENESIS_HASH, previous: undefined, garbage: [], records: 0, checkpoints: 0, sealedTorn: 0, unsigned: 0, index: -1 };
  const warnings: string[] = [];
  if (publicKey === undefined) warnings.push('no --key given: checkpoint signatures were NOT checked');
  const later = laterSeqs(files);
  let tamper: Tamper | undefined;
  try {
    for (const [i, file] of files.entries()) {
      for (const line of file.lines) checkLine(state, file, line, later, publicKey);
      if (state.garbage.length > 0) {
        const first = state.garbage[0]!;
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
    lines: files.reduce((n, f) => n + f.lines.length, 0),
    records: state.records,
    checkpoints: state.checkpoints,
    sealedTorn: state.sealedTorn,
    unsignedTail: state.unsigned,
    warnings,
    ...(tamper === undefined ? {} : { tamper }),
  };
}

/** For each seq, the index (in chain order) of the first line carrying it. */
function laterSeqs(files: readonly LogFile[]): Map<number, number> {
  const at = new Map<number, number>();
  let index = 0;
  for (const f of files) {
    for (const l of f.lines) {
      const seq = l.record?.['seq'];
      if (typeof seq === 'number' && !at.has(seq)) at.set(seq, index);
      index += 1;
    }
  }
  return at;
}

function checkLine(state: State, file: LogFile, line: LogLine, seqIndex: Map<number, number>, key: KeyObject | undefined): void {
  state.index += 1;
  const r = line.record;
  if (r === undefined) {
    state.garbage.push(line);
    return;
  }
  if (typeof r['hash'] !== 'string' || typeof r['prev'] !== 'string' || lineHash(r) !== r['hash']) {
    throw broken('edit', line, 'the line does not match its hash: it was changed after it was written');
  }
  if (r['kind'] === 'torn') acceptTorn(state, file, line, r);
  else if (state.garbage.length > 0) throw broken('edit', state.garbage[0]!, 'a line that is not a valid record, and no torn record seals it');
  checkLink(state, line, r, seqIndex);
  if (r['kind'] === 'checkpoint') checkCheckpoint(state, line, r, key);
  else state.unsigned += 1;
  state.records += 1;
  state.head = r['hash'] as string;
  state.expected += 1;
  state.previous = line;
}

function checkLink(state: State, line: LogLine, r: Readonly<Record<string, unknown>>, seqIndex: Map<number, number>): void {
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
  const wanted = seqIndex.get(state.expected);
  if (wanted !== undefined && wanted > state.index) {
    throw broken('reordering', line, `seq ${seq} appears where seq ${state.expected} belongs; seq ${state.expected} comes later`);
  }
  const missing = seq - state.expected;
  if (state.previous !== undefined && state.previous.file !== line.file) {
    throw broken('truncation', line, `${missing} record(s) (seq ${state.expected}..${seq - 1}) are missing at the end of ${state.previous.file}`);
  }
  throw broken('deletion', line, `${missing} record(s) (seq ${state.expected}..${seq - 1}) are missing before this line`);
}

function acceptTorn(state: State, file: LogFile, line: LogLine, r: Readonly<Record<string, unknown>>): void {
  const offset = r['offset'];
  const bytes = r['bytes'];
  if (typeof offset !== 'number' || typeof bytes !== 'number' || offset < 0 || offset + bytes > file.bytes.length) {
    throw broken('edit', line, 'a torn record whose byte range is not in this file');
  }
  if (sha256Hex(file.bytes.subarray(offset, offset + bytes)) !== r['sha256']) {
    throw broken('edit', line, `the torn bytes at offset ${offset} no longer match what the torn record sealed`);
  }
  const outside = state.garbage.find((g) => g.offset < offset || g.end > offset + bytes);
  if (outside !== undefined) throw broken('edit', outside, 'a line that is not a valid record, outside what the torn record seals');
  state.garbage = [];
  state.sealedTorn += 1;
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
