// Reads a request body whole, bounded, for classifiers that must judge what a body says and
// then forward the very same bytes. Larger than the limit is 413 and compressed bodies are
// refused: a body we cannot read is a body we cannot judge, and nothing unjudged is forwarded.
// A body that stalls or drags on past its deadlines is 408 (body-deadline.ts).

import type { IncomingMessage } from 'node:http';
import { ChangegateError } from '../errors.js';
import { bodyDeadlinesOf, timedOut } from './body-deadline.js';

export async function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') {
    throw new ChangegateError('bad_body', `a ${encoding}-encoded body cannot be inspected; send it uncompressed`);
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  return collect(req, maxBytes);
}

/**
 * The body's chunks gathered from the stream's events under two timers, refreshed rather than
 * re-armed per chunk. The async iterator with a timer and a race per chunk (timedChunks, which
 * a push's streaming reader still uses) cost several microseconds of every classified POST.
 */
function collect(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  const { idleMs, totalMs } = bodyDeadlinesOf(req);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error: Error | undefined): void => {
      clearTimeout(idle);
      clearTimeout(total);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error === undefined) resolve(Buffer.concat(chunks, size));
      else {
        // Stop reading: the error response closes the connection (respond.ts).
        req.pause();
        reject(error);
      }
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) return settle(tooLarge(maxBytes));
      chunks.push(chunk);
      idle.refresh();
    };
    const onEnd = (): void => settle(undefined);
    const onError = (e: Error): void => settle(e);
    const onClose = (): void => settle(new ChangegateError('bad_body', 'the connection closed before the request body was complete'));
    // Whichever deadline is nearer: a body that stalls, or one that drags on past the total.
    const idle = setTimeout(() => settle(timedOut(`the request body stalled: nothing arrived for ${idleMs} ms`)), Math.min(idleMs, totalMs));
    const total = setTimeout(() => settle(timedOut(`the request body did not arrive within ${totalMs} ms`)), totalMs);
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function tooLarge(maxBytes: number): ChangegateError {
  return new ChangegateError('payload_too_large', `the request body is larger than the ${maxBytes} bytes the proxy inspects`);
}

/** The request says a body follows (any Transfer-Encoding, or a non-zero Content-Length). */
export function declaresBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
