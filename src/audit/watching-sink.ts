// An AuditSink decorator for whatever must happen once an exchange is over: it remembers what a
// decision record says, and when the completion record with the same requestId is durable, hands
// both to the watcher. Wrapping the sink keeps the pipeline one-way: nothing reaches back into
// it, and nothing happens before the inner sink made the record durable. Used for run notices
// to Gerrit (notifying-sink.ts) and for changes closed through the proxy (gerrit/events).

import type { AuditRecord, AuditSink, CompletionRecord, DecisionRecord } from './types.js';

/** Exchanges awaiting their completion; bounded so unanswered requests cannot grow it. */
const MAX_WAITING = 10_000;

export interface ExchangeWatcher<T> {
  /** What to keep of a decision until its completion; undefined when the exchange is of no interest. */
  start(decision: DecisionRecord): T | undefined;
  /** The exchange is over and its completion record durable. Must not throw. */
  finish(started: T, completion: CompletionRecord): void;
}

export class WatchingAuditSink<T> implements AuditSink {
  readonly #inner: AuditSink;
  readonly #watcher: ExchangeWatcher<T>;
  readonly #waiting = new Map<string, T>();

  constructor(inner: AuditSink, watcher: ExchangeWatcher<T>) {
    this.#inner = inner;
    this.#watcher = watcher;
  }

  get ready(): boolean {
    return this.#inner.ready;
  }

  get notReadyReason(): string | undefined {
    return this.#inner.notReadyReason;
  }

  get failOpenReads(): boolean {
    return this.#inner.failOpenReads === true;
  }

  async append(record: AuditRecord): Promise<void> {
    await this.#inner.append(record);
    if (record.kind === 'decision') this.#remember(record);
    else this.#complete(record);
  }

  #remember(decision: DecisionRecord): void {
    const started = this.#watcher.start(decision);
    if (started === undefined) return;
    if (this.#waiting.size >= MAX_WAITING) this.#waiting.delete(this.#waiting.keys().next().value!);
    this.#waiting.set(decision.requestId, started);
  }

  #complete(completion: CompletionRecord): void {
    const started = this.#waiting.get(completion.requestId);
    if (started === undefined) return;
    this.#waiting.delete(completion.requestId);
    this.#watcher.finish(started, completion);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
