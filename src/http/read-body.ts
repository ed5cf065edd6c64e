// Reads a request body whole, bounded, for classifiers that must judge what a body says and
// then forward the very same bytes. Larger than the limit is 413 and compressed bodies are
// refused: a body we cannot read is a body we cannot judge, and nothing unjudged is forwarded.
// A body that stalls or drags on past its deadlines is 408 (body-deadline.ts).

import type { IncomingMessage } from 'node:http';
import { ChangegateError } from '../errors.js';
import { timedChunks } from './body-deadline.js';

export async function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') {
    throw new ChangegateError('bad_body', `a ${encoding}-encoded body cannot be inspected; send it uncompressed`);
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of timedChunks(req)) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(maxBytes: number): ChangegateError {
  return new ChangegateError('payload_too_large', `the request body is larger than the ${maxBytes} bytes the proxy inspects`);
}

/** The request says a body follows (any Transfer-Encoding, or a non-zero Content-Length). */
export function declaresBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
