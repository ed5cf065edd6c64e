// A write-ahead JSON-lines log with group commit: records that arrive while an fsync is in
// flight are written together and share the next fsync, so durability costs one fsync per
// batch rather than per request.

import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditRecord, AuditSink } from './types.js';

interface Pending {
  readonly line: string;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export interface FileSinkOptions {
  readonly path: string;
  /** Also write each line to this stream (log shippers read stdout). */
  readonly mirror?: NodeJS.WritableStream;
}

export class FileAuditSink implements AuditSink {
  readonly #handle: FileHandle;
  readonly #mirror: NodeJS.WritableStream | undefined;
  #queue: Pending[] = [];
  #flushing = false;
  #failure: Error | undefined;
  #closed = false;

  private constructor(handle: FileHandle, mirror: NodeJS.WritableStream | undefined) {
    this.#handle = handle;
    this.#mirror = mirror;
  }

  static async open(options: FileSinkOptions): Promise<FileAuditSink> {
    mkdirSync(dirname(options.path), { recursive: true, mode: 0o750 });
    sealTornTail(options.path);
    const handle = await open(options.path, 'a', 0o640);
    return new FileAuditSink(handle, options.mirror);
  }

  get ready(): boolean {
    return this.#failure === undefined && !this.#closed;
  }

  get notReadyReason(): string | undefined {
    if (this.#closed) return 'audit log closed';
    return this.#failure === undefined ? undefined : `audit log not writable: ${this.#failure.message}`;
  }

  append(record: AuditRecord): Promise<void> {
    if (this.#failure !== undefined || this.#closed) {
      return Promise.reject(new Error(this.notReadyReason));
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ line: JSON.stringify(record) + '\n', resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      const text = batch.map((p) => p.line).join('');
      try {
        await this.#handle.appendFile(text);
        await this.#handle.datasync();
        this.#mirror?.write(text);
        for (const p of batch) p.resolve();
      } catch (e) {
        // Once a write fails the log's tail is unknown; stay failed so nothing is forwarded
        // without a record until an operator restarts the proxy.
        this.#failure = e instanceof Error ? e : new Error(String(e));
        for (const p of [...batch, ...this.#queue]) p.reject(this.#failure);
        this.#queue = [];
      }
    }
    this.#flushing = false;
  }

  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing) await new Promise((r) => setTimeout(r, 5));
    await this.#handle.close();
  }
}

/**
 * A crash can leave a torn last line. Terminate it with a newline so the next record starts on
 * its own line; the verifier reports the torn line rather than it being silently merged.
 */
function sealTornTail(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch {
    return;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) {
      writeSync(fd, '\n', size);
      fsyncSync(fd);
    }
  } finally {
    closeSync(fd);
  }
}

