// Deadlines for reading a request body the proxy must see before it can decide (a JSON or
// GraphQL body, a push's command list). Without them a client that sends most of a body and
// then falls silent pins that memory for as long as it keeps the socket open.
//
// Every classifier reads the body through `timedChunks`, so none of them has to thread the
// configured deadlines through its own options: the ingress sets them per request, and a body
// read with none set (the admin listener's webhooks) gets the defaults. Nothing reads unbounded.

import type { IncomingMessage } from 'node:http';
import { ChangegateError } from '../errors.js';

export interface BodyDeadlines {
  /** Longest silence between two chunks. */
  readonly idleMs: number;
  /** Longest time for the whole read, from its first chunk request to its last. */
  readonly totalMs: number;
}

export const DEFAULT_BODY_DEADLINES: BodyDeadlines = Object.freeze({ idleMs: 10_000, totalMs: 60_000 });

// On the request itself, not in a WeakMap: every request gets one, and a WeakMap entry per
// request is work for the garbage collector long after the request is gone.
const DEADLINES = Symbol('changegate.bodyDeadlines');
type WithDeadlines = IncomingMessage & { [DEADLINES]?: BodyDeadlines };

export function setBodyDeadlines(req: IncomingMessage, deadlines: BodyDeadlines): void {
  (req as WithDeadlines)[DEADLINES] = deadlines;
}

/** The deadlines the ingress set for this request, or the defaults. */
export function bodyDeadlinesOf(req: IncomingMessage): BodyDeadlines {
  return (req as WithDeadlines)[DEADLINES] ?? DEFAULT_BODY_DEADLINES;
}

/** A request body's chunks, each of which must arrive within the deadlines, else 408. */
export interface TimedChunks extends AsyncIterableIterator<Buffer> {
  /**
   * The rest of the same body without deadlines: what a classifier streams on instead of
   * buffering (a push's pack) moves at the client's pace, bounded by backpressure.
   */
  untimed(): AsyncIterator<Buffer>;
}

export function timedChunks(req: IncomingMessage): TimedChunks {
  const { idleMs, totalMs } = bodyDeadlinesOf(req);
  const source = (req as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const endsAt = performance.now() + totalMs;
  const timed: TimedChunks = {
    async next() {
      const left = endsAt - performance.now();
      if (left <= 0) throw timedOut(`the request body did not arrive within ${totalMs} ms`);
      const idle = idleMs <= left;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(timedOut(idle ? `the request body stalled: nothing arrived for ${idleMs} ms` : `the request body did not arrive within ${totalMs} ms`)),
          idle ? idleMs : left,
        );
      });
      try {
        // A chunk still pending when the deadline wins is abandoned: the 408 closes the
        // connection (see respond.ts), which settles it.
        return await Promise.race([source.next(), expired]);
      } finally {
        clearTimeout(timer);
      }
    },
    // Stopping early (a body over the size limit) ends the body as the stream's own iterator would.
    return: async () => (await source.return?.()) ?? { done: true, value: undefined },
    untimed: () => source,
    [Symbol.asyncIterator]() {
      return timed;
    },
  };
  return timed;
}

export function timedOut(reason: string): ChangegateError {
  return new ChangegateError('request_timeout', `${reason}; send the whole body without pausing`);
}
