// The logger's stdout destination: every line written during one event-loop turn goes out in ONE
// write. pino.destination({ sync: false }) (sonic-boom) issued a thread-pool write per line on
// a one-core proxy (the pool thread competes with the main thread, so lines hardly coalesced), and
// its per-line bookkeeping cost ~10 us of CPU per request.
//
// The turn's batch is written synchronously, as Node writes process.stdout to files, pipes and
// terminals on Linux: skipping the thread-pool hand-off saves a third of the destination's CPU
// (measured), and at exit no batch is left half-handed to a pool thread that exit() may cut off.
// A non-blocking fd that answers EAGAIN is retried on a timer, in line too, for a bounded time.
// Where Node's stdout is asynchronous (pipes on other systems), only a regular file is written in
// line, and the rest goes through the thread pool.
//
// Memory is bounded (a cap on pending text; lines beyond it are dropped and counted, and the next
// write that succeeds is preceded by one line saying how many), a non-blocking stdout that stays
// full is given up on after a deadline, and write() never throws. When stdout is a pipe (a shell
// pipeline, a container runtime's FIFO), the destination writes through a non-blocking descriptor
// of its own for it (nonBlockingStdout), so a reader that stops costs lines, not the proxy. A
// socket (journald's stream) cannot be reopened that way; one whose reader stops stops the proxy
// as it would stop console.log, and the README says so. The audit log, which is what must not be
// lost, is its own file.

import { constants, fstatSync, openSync, write as fsWrite, writeSync as fsWriteSync } from 'node:fs';
import { LogField } from './log-fields.js';

/** fs.write's shape (position: current), injectable so tests can count calls and fake errors. */
export type WriteFn = (fd: number, buffer: Buffer, offset: number, length: number, done: (err: NodeJS.ErrnoException | null, written: number) => void) => void;
/** fs.writeSync's shape, for flushSync(). */
export type WriteSyncFn = (fd: number, buffer: Buffer, offset: number, length: number) => number;

export interface LogDestinationOptions {
  /** The file descriptor; stdout (1) when omitted. */
  readonly fd?: number;
  /**
   * Pending text beyond this is dropped (counted in UTF-16 units: the lines are JSON, ASCII but
   * for user-supplied strings, so this is the bytes V8 holds for them). 16 MiB by default.
   */
  readonly maxPendingBytes?: number;
  /** Wait between retries while the fd answers EAGAIN; 10 ms by default. */
  readonly retryDelayMs?: number;
  /** How long in total the fd may answer EAGAIN before the batch is dropped; 5 s by default. */
  readonly maxBlockedMs?: number;
  readonly write?: WriteFn;
  readonly writeSync?: WriteSyncFn;
  /** Write each batch synchronously; by default on Linux, elsewhere only to a regular file (see above). */
  readonly synchronous?: boolean;
  readonly now?: () => number;
}

const MiB = 1024 * 1024;

const defaultWrite: WriteFn = (fd, buffer, offset, length, done) => fsWrite(fd, buffer, offset, length, null, done);

/** True for a regular file: its writes do not wait on a reader. */
function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/**
 * A non-blocking descriptor for stdout when it is a pipe, else fd 1. Opening /proc/self/fd/1
 * gives a pipe a file description of its own, so O_NONBLOCK there is not shared with fd 1 (nor
 * with the parent or anything else holding it): a full pipe answers EAGAIN to our writes and the
 * bounded retry takes over. Files need no such thing, terminals are left as they are, and a
 * socket cannot be opened through /proc.
 */
export function nonBlockingStdout(): number {
  try {
    if (!fstatSync(1).isFIFO()) return 1;
    return openSync('/proc/self/fd/1', constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    return 1;
  }
}

function wouldBlock(err: NodeJS.ErrnoException): boolean {
  return err.code === 'EAGAIN' || err.code === 'EWOULDBLOCK';
}

/** The line in the logger's shape (level, time, bindings, msg) that reports dropped lines. */
export function droppedLinesLine(count: number, time: Date): string {
  return `{"level":40,"time":"${time.toISOString()}","service":"changegate","${LogField.Event}":"log_lines_dropped","${LogField.Dropped}":${count},"msg":"log lines dropped: stdout is not keeping up"}\n`;
}

/** One batch handed to the fd: its bytes, how far they got, and how many log lines it holds. */
interface Batch {
  readonly bytes: Buffer;
  offset: number;
  readonly lines: number;
  /** Drops this batch reports in its leading line; counted again if the batch is lost. */
  readonly reportsDropped: number;
}

export class LogDestination {
  readonly #fd: number;
  readonly #maxPending: number;
  readonly #retryDelayMs: number;
  readonly #maxBlockedMs: number;
  readonly #write: WriteFn;
  readonly #writeSync: WriteSyncFn;
  readonly #synchronous: boolean;
  readonly #now: () => number;

  #pending: string[] = [];
  #pendingBytes = 0;
  #inFlight: Batch | undefined;
  #scheduled = false;
  #dropped = 0;
  /** When the current run of EAGAIN answers began; undefined while the fd takes writes. */
  #blockedSince: number | undefined;
  /** The timer of a batch in flight that the fd refused (EAGAIN): no pool thread holds it meanwhile. */
  #retry: NodeJS.Timeout | undefined;
  /** EPIPE: the reader is gone; nothing written later can arrive, so stop trying. */
  #broken = false;
  #closed = false;
  #whenIdle: (() => void)[] = [];

  constructor(options: LogDestinationOptions = {}) {
    this.#fd = options.fd ?? 1;
    this.#maxPending = options.maxPendingBytes ?? 16 * MiB;
    this.#retryDelayMs = options.retryDelayMs ?? 10;
    this.#maxBlockedMs = options.maxBlockedMs ?? 5_000;
    this.#write = options.write ?? defaultWrite;
    this.#writeSync = options.writeSync ?? fsWriteSync;
    this.#synchronous = options.synchronous ?? (process.platform === 'linux' || isRegularFile(this.#fd));
    this.#now = options.now ?? Date.now;
  }

  /** Lines dropped so far (over the cap, or lost to a full or failing fd) and not yet reported. */
  get dropped(): number {
    return this.#dropped;
  }

  write(line: string): void {
    if (this.#closed || this.#broken) return;
    if (this.#pendingBytes + line.length > this.#maxPending) {
      this.#dropped++;
      return;
    }
    this.#pending.push(line);
    this.#pendingBytes += line.length;
    this.#schedule();
  }

  /** Calls back once everything written so far has been handed to the fd (or given up on). */
  flush(cb?: (err?: Error) => void): void {
    if (cb === undefined) return;
    if (this.#idle()) process.nextTick(cb);
    else this.#whenIdle.push(() => cb());
  }

  /** Takes no more lines and calls back when the pending ones are out. The fd stays open. */
  close(cb?: () => void): void {
    this.#closed = true;
    this.flush(cb);
  }

  /**
   * Writes everything pending now, synchronously: for process exit, where no callback will run.
   * A batch handed to the thread pool is the pool's to finish (as with sonic-boom); one waiting to
   * retry after EAGAIN goes first, then what is pending. A full non-blocking fd is retried for at
   * most maxBlockedMs in all.
   */
  flushSync(): void {
    if (this.#broken) return;
    const batches: Batch[] = [];
    if (this.#retry !== undefined && this.#inFlight !== undefined) {
      clearTimeout(this.#retry);
      this.#retry = undefined;
      batches.push(this.#inFlight);
      this.#inFlight = undefined;
    }
    if (this.#pending.length > 0 || this.#dropped > 0) batches.push(this.#take());
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    const deadline = this.#now() + this.#maxBlockedMs;
    for (const [i, batch] of batches.entries()) {
      for (;;) {
        try {
          this.#writeOut(batch);
          break;
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          if (!wouldBlock(err) || this.#now() >= deadline) {
            for (const unwritten of batches.slice(i)) this.#lost(unwritten, err);
            return;
          }
          // No event loop at exit: a bounded sleep is the only way to give the reader time.
          Atomics.wait(sleeper, 0, 0, this.#retryDelayMs);
        }
      }
    }
  }

  /** Writes the rest of the batch synchronously, moving its offset as bytes go out; throws what the fd answers. */
  #writeOut(batch: Batch): void {
    while (batch.offset < batch.bytes.length) batch.offset += this.#writeSync(this.#fd, batch.bytes, batch.offset, batch.bytes.length - batch.offset);
  }

  #idle(): boolean {
    return this.#inFlight === undefined && this.#pending.length === 0;
  }

  #schedule(): void {
    // While a write is in flight, lines accumulate and go out when it completes.
    if (this.#scheduled || this.#inFlight !== undefined) return;
    this.#scheduled = true;
    setImmediate(this.#startWrite);
  }

  readonly #startWrite = (): void => {
    this.#scheduled = false;
    if (this.#inFlight !== undefined) return;
    if (this.#pending.length === 0 || this.#broken) return this.#settle();
    const batch = this.#take();
    this.#inFlight = batch;
    this.#writeSome();
  };

  /** The batch in flight is out (or lost): the next one, or the flush callbacks. */
  #finished(): void {
    this.#inFlight = undefined;
    if (this.#pending.length > 0) this.#schedule();
    else this.#settle();
  }

  /** Joins the pending lines (after the dropped-lines line, if any were dropped) into one batch. */
  #take(): Batch {
    const reportsDropped = this.#dropped;
    let text = this.#pending.length === 1 ? (this.#pending[0] as string) : this.#pending.join('');
    if (reportsDropped > 0) text = droppedLinesLine(reportsDropped, new Date(this.#now())) + text;
    const batch: Batch = { bytes: Buffer.from(text), offset: 0, lines: this.#pending.length, reportsDropped };
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#dropped = 0;
    return batch;
  }

  /**
   * Hands the rest of the batch in flight to the fd: in line when synchronous (see the header),
   * else through the thread pool. A non-blocking fd (a pipe, see nonBlockingStdout) answers
   * EAGAIN instead of blocking, and its retry comes back here: a synchronous destination never
   * has a batch in a pool thread's hands, so the exit flush cannot write across one.
   */
  #writeSome(): void {
    const batch = this.#inFlight;
    if (batch === undefined) return;
    if (!this.#synchronous) return this.#write(this.#fd, batch.bytes, batch.offset, batch.bytes.length - batch.offset, this.#written);
    const from = batch.offset;
    try {
      this.#writeOut(batch);
    } catch (e) {
      // Bytes went out before the fd filled up: the reader is reading, so the wait starts anew.
      if (batch.offset > from) this.#blockedSince = undefined;
      return this.#written(e as NodeJS.ErrnoException, 0);
    }
    this.#written(null, 0);
  }

  readonly #written = (err: NodeJS.ErrnoException | null, written: number): void => {
    const batch = this.#inFlight;
    if (batch === undefined) return;
    if (err !== null) {
      if (wouldBlock(err)) {
        // stdout can be a non-blocking pipe whose reader is behind. Retry on a timer, unref'd
        // so logging never keeps the process alive (exit runs flushSync); but only for so long,
        // else a stalled reader would hold the batch, and everything behind it, forever.
        const now = this.#now();
        this.#blockedSince ??= now;
        if (now - this.#blockedSince < this.#maxBlockedMs) {
          this.#retry = setTimeout(() => {
            this.#retry = undefined;
            this.#writeSome();
          }, this.#retryDelayMs).unref();
          return;
        }
      }
      this.#lost(batch, err);
    } else {
      this.#blockedSince = undefined;
      batch.offset += written;
      // A short write: the rest goes next, before anything newer.
      if (batch.offset < batch.bytes.length) return this.#writeSome();
    }
    this.#finished();
  };

  /** A batch that will not arrive: its lines (and the drops it reported) are counted as dropped. */
  #lost(batch: Batch, err: NodeJS.ErrnoException): void {
    this.#blockedSince = undefined;
    this.#dropped += batch.lines + batch.reportsDropped;
    if (err.code === 'EPIPE') {
      this.#broken = true;
      this.#pending = [];
      this.#pendingBytes = 0;
    }
  }

  #settle(): void {
    if (!this.#idle()) return;
    const waiting = this.#whenIdle;
    this.#whenIdle = [];
    for (const cb of waiting) cb();
  }
}
