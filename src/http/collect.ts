// One of the proxy's own requests to an upstream (a change lookup, a GraphQL query, a run
// notice), read whole into memory: dispatched on an undici pool with a handler that collects the
// body's chunks, bounded in bytes and by one deadline for answer and body. Not Pool.request with
// AbortSignal.timeout(): on Node 20 a timeout signal per request (timer, weak refs, GC) and
// reading its Readable with for-await cost several times the CPU of this on paths every uncached
// vote and every launched run take. The deadline is one plain unref'd timer, cleared on the end.

import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';

export interface CollectLimits {
  /** One deadline for the answer and its whole body, from the call. */
  readonly timeoutMs: number;
  /** Largest body read; a larger one is aborted and the call rejects with `AnswerTooLarge`. */
  readonly maxBytes: number;
  /** Who answers, for the error a person reads ("Gerrit's answer is larger than ..."). */
  readonly peer?: string;
}

export interface Collected {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** What arrived: all of it when `complete`, else up to where the body broke off. */
  readonly body: Buffer;
  /** False when the connection failed or the deadline passed after the answer began. */
  readonly complete: boolean;
}

/** The answer's body passed `maxBytes`; the request was aborted. */
export class AnswerTooLarge extends Error {
  constructor(readonly maxBytes: number, peer?: string) {
    super(`${peer === undefined ? 'the answer' : `${peer}'s answer`} is larger than ${maxBytes} bytes`);
    this.name = 'AnswerTooLarge';
  }
}

/** No answer within the deadline; the request was aborted. Named as AbortSignal.timeout()'s error is. */
export class AnswerDeadline extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out: no answer within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Sends `request` on `dispatcher` and resolves to the answer once its body ended. Rejects when no
 * answer began (connection refused, deadline, a bad request) or the body passed `maxBytes`; a body
 * that breaks off after the answer began resolves with `complete: false` and what arrived, for the
 * caller to judge.
 */
export function collect(dispatcher: Dispatcher, request: Dispatcher.DispatchOptions, limits: CollectLimits): Promise<Collected> {
  return new Promise<Collected>((resolve, reject) => {
    const handler = new Collector(limits, resolve, reject);
    try {
      dispatcher.dispatch(request, handler);
    } catch (e) {
      handler.fail(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

class Collector implements Dispatcher.DispatchHandler {
  readonly #maxBytes: number;
  readonly #peer: string | undefined;
  readonly #resolve: (c: Collected) => void;
  readonly #reject: (e: Error) => void;
  readonly #timer: NodeJS.Timeout;
  #controller: Dispatcher.DispatchController | undefined;
  /** Set once the promise settled: later callbacks (the abort's own error) change nothing. */
  #settled = false;
  /** Why the dispatch must stop, when it was decided before undici handed over a controller. */
  #abortReason: Error | undefined;
  #status = 0;
  #headers: IncomingHttpHeaders = {};
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(limits: CollectLimits, resolve: (c: Collected) => void, reject: (e: Error) => void) {
    this.#maxBytes = limits.maxBytes;
    this.#peer = limits.peer;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#timer = setTimeout(() => this.#expire(limits.timeoutMs), limits.timeoutMs);
    this.#timer.unref();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // The deadline passed while the request waited for a connection: it goes no further.
    if (this.#abortReason !== undefined) controller.abort(this.#abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // 100 Continue and friends precede the answer
    this.#status = statusCode;
    this.#headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#size += chunk.length;
    if (this.#size > this.#maxBytes) {
      this.#chunks = [];
      this.#stop(new AnswerTooLarge(this.#maxBytes, this.#peer));
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.#finish(true);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.#status === 0) this.fail(err);
    else this.#finish(false);
  }

  /** Rejects unless already settled. */
  fail(err: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#reject(err);
  }

  #finish(complete: boolean): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    const body = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size);
    this.#resolve({ status: this.#status, headers: this.#headers, body, complete });
  }

  #expire(timeoutMs: number): void {
    if (this.#settled) return;
    // The answer began: the body broke off at the deadline. Otherwise there is no answer at all.
    if (this.#status !== 0) {
      this.#finish(false);
      this.#abort(new AnswerDeadline(timeoutMs));
    } else {
      this.#stop(new AnswerDeadline(timeoutMs));
    }
  }

  /** Rejects with `err` and aborts the dispatch, now or as soon as undici hands over its controller. */
  #stop(err: Error): void {
    this.fail(err);
    this.#abort(err);
  }

  #abort(err: Error): void {
    if (this.#controller !== undefined) this.#controller.abort(err);
    else this.#abortReason = err;
  }
}
