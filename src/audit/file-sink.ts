// The write-ahead audit log: hash-chained JSON lines with group commit. Records that arrive while
// an fsync is in flight are linked and written together and share the next fsync, so durability
// costs one fsync per batch rather than per request. Checkpoint lines sign the chain head every
// N records or T seconds (and at close and before each rotation).

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ActiveFile, type RotationPolicy } from './active-file.js';
import { Chain } from './chain.js';
import { recover } from './recovery.js';
import { defaultWarn, signingKeyFor, type FileSinkOptions } from './sink-options.js';
import type { AuditSigningKey } from './signing-key.js';
import type { AuditRecord, AuditSink } from './types.js';

export type { FileSinkOptions } from './sink-options.js';

interface Pending {
  readonly record: AuditRecord;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export interface SinkStats {
  readonly records: number;
  /** Writes, each followed by one fsync: records / batches is the group-commit factor. */
  readonly batches: number;
  readonly checkpoints: number;
}

export class FileAuditSink implements AuditSink {
  readonly #options: FileSinkOptions;
  readonly #key: AuditSigningKey;
  readonly #file: ActiveFile;
  readonly #chain: Chain;
  readonly #rotation: RotationPolicy;
  readonly #timer: NodeJS.Timeout;
  readonly #warn: (message: string) => void;
  #queue: Pending[] = [];
  #flushing = false;
  #idle: Promise<void> = Promise.resolve();
  #unsigned = 0;
  #lastCheckpoint = Date.now();
  #checkpointDue = false;
  #failure: Error | undefined;
  #closed = false;
  #stats = { records: 0, batches: 0, checkpoints: 0 };

  private constructor(options: FileSinkOptions, key: AuditSigningKey, file: ActiveFile, chain: Chain) {
    this.#options = options;
    this.#key = key;
    this.#file = file;
    this.#chain = chain;
    this.#rotation = { maxBytes: options.rotateBytes ?? 64 * 1024 * 1024, daily: options.rotateDaily ?? true };
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
    const file = await ActiveFile.open(options.path, state.size, state.activeStart, state.regularFile);
    return new FileAuditSink(options, key, file, new Chain(state.head));
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

  get stats(): SinkStats {
    return { ...this.#stats };
  }

  append(record: AuditRecord): Promise<void> {
    if (this.#failure !== undefined || this.#closed) {
      if (this.#failure !== undefined && this.failOpenReads && isRead(record)) {
        this.#warn(`audit log down (${this.#failure.message}); read ${record.requestId} forwarded without a durable record`);
        return Promise.resolve();
      }
      if (this.#failure !== undefined) this.#options.observe?.failure?.();
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
          for (const p of [...batch, ...this.#queue.splice(0)]) {
            this.#options.observe?.failure?.();
            p.reject(this.#failure);
          }
        }
      }
    } finally {
      this.#checkpointDue = false;
      this.#flushing = false;
    }
  }

  async #writeBatch(batch: readonly Pending[]): Promise<void> {
    const now = (this.#options.now?.() ?? new Date()).toISOString();
    if (this.#file.rotationDue(now, this.#rotation)) {
      // Each rotated file closes on a signed head.
      if (this.#unsigned > 0) await this.#write(this.#signHead(now));
      await this.#file.rotate();
    }
    let text = '';
    for (const p of batch) {
      const { line, seq } = this.#chain.link(p.record);
      this.#file.noteLine(seq, now);
      text += line;
    }
    this.#unsigned += batch.length;
    this.#stats.records += batch.length;
    const every = this.#options.checkpointEvery ?? 1000;
    if (this.#unsigned > 0 && (this.#checkpointDue || this.#unsigned >= every || this.#checkpointAged())) text += this.#signHead(now);
    this.#checkpointDue = false;
    await this.#write(text);
  }

  #checkpointAged(): boolean {
    return Date.now() - this.#lastCheckpoint >= 1000 * (this.#options.checkpointSeconds ?? 60);
  }

  #signHead(now: string): string {
    const line = this.#chain.checkpoint(this.#key, now);
    this.#file.noteLine(this.#chain.head.seq, now);
    this.#stats.checkpoints += 1;
    this.#unsigned = 0;
    this.#lastCheckpoint = Date.now();
    return line;
  }

  async #write(text: string): Promise<void> {
    if (text === '') return;
    const started = performance.now();
    await this.#file.append(text);
    this.#options.observe?.write?.((performance.now() - started) / 1000);
    this.#stats.batches += 1;
    this.#options.mirror?.write(text);
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
    await this.#file.close();
  }
}

function isRead(record: AuditRecord): boolean {
  return record.kind === 'decision' && (record.request.method === 'GET' || record.request.method === 'HEAD');
}
