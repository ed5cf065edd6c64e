// The write-ahead audit log: hash-chained JSON lines with group commit. Records that arrive while
// an fsync is in flight are linked and written together and share the next fsync, so durability
// costs one fsync per batch rather than per request. Checkpoint lines sign the chain head every
// N records or T seconds (and at close); the active file rotates by size or UTC day.

import { mkdirSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { Chain } from './chain.js';
import { recover } from './recovery.js';
import { dayOf, segmentPath, type SegmentStart } from './segments.js';
import { keyIdOf, loadSigningKey, type AuditSigningKey } from './signing-key.js';
import type { AuditRecord, AuditSink, LogRecord } from './types.js';

interface Pending {
  readonly record: LogRecord;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export interface FileSinkOptions {
  readonly path: string;
  /** Also write each line to this stream (log shippers read stdout). */
  readonly mirror?: NodeJS.WritableStream;
  /** Where a generated signing key goes (default: the log's directory). */
  readonly stateDir?: string;
  /** An Ed25519 private key (PEM) to sign checkpoints with, instead of a generated one. */
  readonly signingKey?: string;
  /** Rotate once the active file reaches this many bytes; 0 never. Default 64 MiB. */
  readonly rotateBytes?: number;
  /** Rotate when the UTC day changes. Default true. */
  readonly rotateDaily?: boolean;
  /** Sign the chain head after this many records... Default 1000. */
  readonly checkpointEvery?: number;
  /** ...or this many seconds, whichever comes first. Default 60. */
  readonly checkpointSeconds?: number;
  /** While the log cannot be written, let GET/HEAD decisions through (logged) instead of failing. */
  readonly failOpenReads?: boolean;
  /** False gives one fsync per record: the baseline the benchmark compares against. */
  readonly groupCommit?: boolean;
  readonly warn?: (message: string) => void;
  readonly now?: () => Date;
}

const defaultWarn = (message: string): void => {
  process.stderr.write(`${JSON.stringify({ level: 'warn', time: Date.now(), msg: message, component: 'audit' })}\n`);
};

export class FileAuditSink implements AuditSink {
  readonly #path: string;
  readonly #options: FileSinkOptions;
  readonly #key: AuditSigningKey;
  readonly #chain: Chain;
  readonly #regular: boolean;
  readonly #timer: NodeJS.Timeout;
  readonly #warn: (message: string) => void;
  #handle: FileHandle;
  #size: number;
  #activeStart: SegmentStart | undefined;
  #queue: Pending[] = [];
  #flushing = false;
  #idle: Promise<void> = Promise.resolve();
  #unsigned = 0;
  #lastCheckpoint = Date.now();
  #checkpointDue = false;
  #failure: Error | undefined;
  #closed = false;

  private constructor(options: FileSinkOptions, key: AuditSigningKey, handle: FileHandle, state: ReturnType<typeof recover>) {
    this.#path = options.path;
    this.#options = options;
    this.#key = key;
    this.#handle = handle;
    this.#chain = new Chain(state.head);
    this.#size = state.size;
    this.#activeStart = state.activeStart;
    this.#regular = state.regularFile;
    this.#warn = options.warn ?? defaultWarn;
    this.#timer = setInterval(() => this.#checkpointTick(), 1000 * (options.checkpointSeconds ?? 60));
    this.#timer.unref();
  }

  static async open(options: FileSinkOptions): Promise<FileAuditSink> {
    const warn = options.warn ?? defaultWarn;
    mkdirSync(dirname(options.path), { recursive: true, mode: 0o750 });
    const state = recover(options.path, () => (options.now?.() ?? new Date()).toISOString());
    if (state.sealed !== undefined) warn(`${options.path}: sealed ${state.sealed.bytes} torn bytes at offset ${state.sealed.offset} left by a crash`);
    const key = await signingKeyFor(options, state.regularFile, warn);
    const handle = await open(options.path, 'a', 0o640);
    return new FileAuditSink(options, key, handle, state);
  }

  get ready(): boolean {
    return this.#failure === undefined && !this.#closed;
  }

  get notReadyReason(): string | undefined {
    if (this.#closed) return 'audit log closed';
    return this.#failure === undefined ? undefined : `audit log not writable: ${this.#failure.message}`;
  }

  /** True when reads may pass while the log is down (config audit.failOpenReads). */
  get failOpenReads(): boolean {
    return this.#options.failOpenReads === true;
  }

  get keyId(): string {
    return this.#key.keyId;
  }

  append(record: AuditRecord): Promise<void> {
    if (this.#failure !== undefined || this.#closed) {
      if (this.#failure !== undefined && this.failOpenReads && isRead(record)) {
        this.#warn(`audit log down (${this.#failure.message}); read ${record.requestId} forwarded without a durable record`);
        return Promise.resolve();
      }
      return Promise.reject(new Error(this.notReadyReason));
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ record, resolve, reject });
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    this.#idle = this.#drain();
  }

  #checkpointTick(): void {
    if (this.#unsigned === 0 || !this.ready) return;
    this.#checkpointDue = true;
    this.#kick();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#failure === undefined && (this.#queue.length > 0 || this.#checkpointDue)) {
        const batch = this.#options.groupCommit === false ? this.#queue.splice(0, 1) : this.#queue.splice(0);
        try {
          await this.#writeBatch(batch);
          for (const p of batch) p.resolve();
        } catch (e) {
          // Once a write fails the log's tail is unknown; stay failed so nothing is forwarded
          // without a record until an operator restarts the proxy (which seals the tail).
          this.#failure = e instanceof Error ? e : new Error(String(e));
          for (const p of [...batch, ...this.#queue.splice(0)]) p.reject(this.#failure);
        }
      }
    } finally {
      this.#checkpointDue = false;
      this.#flushing = false;
    }
  }

  async #writeBatch(batch: readonly Pending[]): Promise<void> {
    const now = (this.#options.now?.() ?? new Date()).toISOString();
    await this.#rotateIfDue(now);
    let text = '';
    for (const p of batch) {
      const { line, chained } = this.#chain.link(p.record);
      this.#activeStart ??= { seq: chained.seq, time: now };
      text += line;
    }
    this.#unsigned += batch.length;
    if (this.#checkpointDue || this.#unsigned >= (this.#options.checkpointEvery ?? 1000) || this.#checkpointAged()) {
      if (this.#unsigned > 0) text += this.#signHead(now);
    }
    this.#checkpointDue = false;
    await this.#write(text);
  }

  #checkpointAged(): boolean {
    return this.#unsigned > 0 && Date.now() - this.#lastCheckpoint >= 1000 * (this.#options.checkpointSeconds ?? 60);
  }

  #signHead(now: string): string {
    const line = this.#chain.checkpoint(this.#key, now);
    this.#activeStart ??= { seq: this.#chain.head.seq, time: now };
    this.#unsigned = 0;
    this.#lastCheckpoint = Date.now();
    return line;
  }

  async #write(text: string): Promise<void> {
    if (text === '') return;
    await this.#handle.appendFile(text);
    await this.#handle.datasync();
    this.#size += Buffer.byteLength(text);
    this.#mirror(text);
  }

  #mirror(text: string): void {
    this.#options.mirror?.write(text);
  }

  async #rotateIfDue(now: string): Promise<void> {
    const start = this.#activeStart;
    if (!this.#regular || start === undefined) return;
    const limit = this.#options.rotateBytes ?? 64 * 1024 * 1024;
    const bySize = limit > 0 && this.#size >= limit;
    const byDay = (this.#options.rotateDaily ?? true) && dayOf(start.time) !== dayOf(now);
    if (!bySize && !byDay) return;
    // Sign the old file's end first, so each rotated file closes on a signed head.
    if (this.#unsigned > 0) await this.#write(this.#signHead(now));
    await this.#handle.close();
    await rename(this.#path, segmentPath(this.#path, start));
    this.#handle = await open(this.#path, 'a', 0o640);
    await syncDir(dirname(this.#path));
    this.#size = 0;
    this.#activeStart = undefined;
  }

  async close(): Promise<void> {
    if (this.#closed) return this.#idle;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#idle;
    if (this.#failure === undefined && this.#unsigned > 0) {
      this.#checkpointDue = true;
      this.#kick();
      await this.#idle;
    }
    await this.#handle.close();
  }
}

function isRead(record: AuditRecord): boolean {
  return record.kind === 'decision' && (record.request.method === 'GET' || record.request.method === 'HEAD');
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function signingKeyFor(options: FileSinkOptions, regularFile: boolean, warn: (m: string) => void): Promise<AuditSigningKey> {
  if (options.signingKey === undefined && options.stateDir === undefined && !regularFile) {
    // A device (such as /dev/full in tests) has no directory of its own to keep a key in.
    warn(`${options.path} is not a regular file and no stateDir was given: checkpoints use a throwaway key`);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
  }
  const loaded = await loadSigningKey({
    ...(options.signingKey === undefined ? {} : { keyPath: options.signingKey }),
    stateDir: options.stateDir ?? dirname(options.path),
  });
  for (const w of loaded.warnings) warn(w);
  return loaded.key;
}
