// Reads a REST request body whole, bounded, so the classifier can judge it and forward the
// very same bytes. Larger than the limit is 413: a body we cannot read is a body we cannot
// judge, and we never forward what we did not judge.

import type { IncomingMessage } from 'node:http';
import { ChangegateError } from '../../errors.js';

export async function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') {
    throw new ChangegateError('bad_body', `a ${encoding}-encoded body cannot be inspected; send it uncompressed`);
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(maxBytes: number): ChangegateError {
  return new ChangegateError('payload_too_large', `the request body is larger than the ${maxBytes} bytes the proxy inspects`);
}

/**
 * Parses a JSON request body. Gerrit's Gson is lenient (comments, single quotes, bare words);
 * we are strict, so anything the two could read differently is refused rather than guessed.
 */
export function parseJsonObject(bytes: Buffer, contentType: string | undefined, what: string): Record<string, unknown> {
  if (bytes.length === 0) return {};
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json') throw new ChangegateError('bad_body', `${what} bodies must be sent as application/json`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ChangegateError('bad_body', `the ${what} body is not valid UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw new ChangegateError('bad_body', `the ${what} body is not strict JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ChangegateError('bad_body', `the ${what} body must be a JSON object`);
  return value as Record<string, unknown>;
}
