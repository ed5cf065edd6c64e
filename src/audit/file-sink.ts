// The write-ahead audit log: hash-chained JSON lines with group commit. Records that arrive while
// an fsync is in flight are linked and written together and share the next fsync, so durability
// costs one fsync per batch rather than per request. A record nobody waits on (`coalesce`: a
// completion) does not start a write of its own while the next decision is at most `lingerMs`
// away: at a moderate rate that halves the writes, and with them the time a decision waits behind
// another write. Checkpoint lines sign the chain head every N records or T seconds (and at close
// and before each rotation).

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ActiveFile, type RotationPolicy } from './active-file.js';
import { Chain } from './chain.js';
import { recover } from './recovery.js';
import { defaultWarn, signingKeyFor, type FileSinkOptions } from './sink-options.js';
import type { AuditSigningKey } from './signing-key.js';
import type { AppendUrgency, AuditRecord, AuditSink } from './types.js';

export type { FileSinkOptions } from './sink-options.js';

interface Pending {
  readonly record: AuditRecord;
  readonly urgency: AppendUrgency;
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
  /** Pending records someone waits on: while 0, the queue may linger. */
  #urgent = 0;
  #linger: NodeJS.Timeout | undefined;
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

  append(record: AuditRecord, urgency: AppendUrgency = 'now'): Promise<void> {
    if (this.#failure !== undefined || this.#closed) {
      if (this.#failure !== undefined && this.failOpenReads && isRead(record)) {
        this.#warn(`audit log down (${this.#failure.message}); read ${record.requestId} forwarded without a durable record`);
        return Promise.resolve();
      }
      if (this.#failure !== undefined) this.#options.observe?.failure?.();
      return Promise.reject(new Error(this.notReadyReason));
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ record, urgency, resolve, reject });
      if (urgency === 'now') {
        this.#urgent += 1;
        this.#kick();
      } else {
        this.#lingerOrKick();
      }
    });
  }

  /** Starts writing the queue now (a no-op while a write is in flight: the drain loop takes it). */
  #kick(): void {
    if (this.#linger !== undefined) {
      clearTimeout(this.#linger);
      this.#linger = undefined;
    }
    if (this.#flushing) return;
    this.#flushing = true;
    this.#idle = this.#drain();
  }

  /** Queue holds only records nobody waits on: write them when the linger runs out, or with the next urgent one. */
  #lingerOrKick(): void {
    if (this.#flushing || this.#linger !== undefined) return;
    const linger = this.#options.lingerMs ?? 20;
    if (linger <= 0 || this.#options.groupCommit === false) return this.#kick();
    this.#linger = setTimeout(() => {
      this.#linger = undefined;
      this.#kick();
    }, linger);
  }

  #checkpointTick(): void {
    if (this.#unsigned === 0 || !this.ready) return;
    this.#checkpointDue = true;
    this.#kick();
  }

  /**
   * Writes the queue, then again while a record someone waits on (or a checkpoint, or the close)
   * is queued behind that write. What is left then is only records nobody waits on: they linger.
   */
  async #drain(): Promise<void> {
    try {
      let first = true;
      while (this.#failure === undefined && (first ? this.#queue.length > 0 || this.#checkpointDue : this.#mustWriteAgain())) {
        first = false;
        const batch = this.#options.groupCommit === false ? this.#queue.splice(0, 1) : this.#queue.splice(0);
        for (const p of batch) if (p.urgency === 'now') this.#urgent -= 1;
        try {
          await this.#writeBatch(batch);
          for (const p of batch) p.resolve();
        } catch (e) {
          // Once a write fails the log's tail is unknown; stay failed so nothing is forwarded
          // without a record until an operator restarts the proxy (which seals the tail).
          this.#failure = e instanceof Error ? e : new Error(String(e));
          this.#urgent = 0;
          for (const p of [...batch, ...this.#queue.splice(0)]) {
            this.#options.observe?.failure?.();
            p.reject(this.#failure);
          }
        }
      }
    } finally {
      this.#checkpointDue = false;
      this.#flushing = false;
      if (this.#failure === undefined && this.#queue.length > 0) this.#lingerOrKick();
    }
  }

  #mustWriteAgain(): boolean {
    if (this.#checkpointDue) return true;
    if (this.#queue.length === 0) return false;
    return this.#urgent > 0 || this.#closed || this.#options.groupCommit === false;
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
    // Lingering records go now; the drain writes until the queue is empty once closed.
    if (this.#queue.length > 0) this.#kick();
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
