// Reads a receive-pack body just far enough to parse its head, then hands back a stream that
// replays the consumed bytes and pipes the rest of the body, pulled on demand (backpressure).
// We parse the decompressed body but always forward the original bytes, so the upstream sees
// exactly what the client sent.

import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { ChangegateError } from '../../../errors.js';
import { timedChunks } from '../../../http/body-deadline.js';
import { malformed } from './pkt-line.js';
import { parsePushHead, type PushHead } from './push-head.js';

export interface ReadPush {
  readonly head: PushHead;
  /** The whole body, original bytes: what was consumed, then the rest as it arrives. */
  readonly stream: Readable;
}

type Decoding = 'identity' | 'gzip';

export async function readPushHead(req: IncomingMessage, maxHeadBytes: number): Promise<ReadPush> {
  const decoding = contentDecoding(req.headers['content-encoding']);
  const source = timedChunks(req); // the head must arrive within the body deadlines; the pack need not
  const consumed: Buffer[] = [];
  let rawSize = 0;
  let ended = false;
  for (;;) {
    const raw = Buffer.concat(consumed, rawSize);
    const decoded = decoding === 'gzip' ? gunzipPrefix(raw, ended, maxHeadBytes) : { bytes: raw, complete: ended };
    const head = parsePushHead(decoded.bytes, decoded.complete);
    if (head !== undefined && head.length > maxHeadBytes) throw tooLarge(maxHeadBytes);
    if (head !== undefined) return { head, stream: Readable.from(replay(consumed, source.untimed()), { objectMode: false }) };
    if (decoded.bytes.length > maxHeadBytes || rawSize > maxHeadBytes * 2 || ended) throw tooLarge(maxHeadBytes);
    const next = await source.next();
    if (next.done === true) ended = true;
    else {
      consumed.push(next.value);
      rawSize += next.value.length;
    }
  }
}

async function* replay(consumed: readonly Buffer[], source: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  for (const chunk of consumed) yield chunk;
  for (;;) {
    const next = await source.next();
    if (next.done === true) return;
    yield next.value;
  }
}

function contentDecoding(header: string | undefined): Decoding {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  throw new ChangegateError('bad_body', `a push with Content-Encoding ${value} cannot be inspected`);
}

/**
 * Decompresses as much of a gzip body as has arrived, at most about `limit` bytes of output
 * (the head sits at the start, and a small body must not inflate into a huge one in memory).
 * `complete` is true only when the whole body arrived and decompressed within the limit.
 */
function gunzipPrefix(raw: Buffer, ended: boolean, limit: number): { bytes: Buffer; complete: boolean } {
  if (raw.length === 0) return { bytes: raw, complete: ended };
  const maxOutputLength = limit + 8;
  let length = raw.length;
  for (let attempt = 0; attempt < 64 && length > 0; attempt++) {
    const whole = ended && length === raw.length;
    try {
      const options = whole ? { maxOutputLength } : { maxOutputLength, finishFlush: zlib.constants.Z_SYNC_FLUSH };
      return { bytes: zlib.gunzipSync(raw.subarray(0, length), options), complete: whole };
    } catch (e) {
      if (!(e instanceof RangeError)) throw malformed('the gzip-encoded body does not decompress');
      length = Math.floor(length / 2);
    }
  }
  throw malformed('the gzip-encoded body does not decompress');
}

function tooLarge(max: number): ChangegateError {
  return new ChangegateError('payload_too_large', `the push's command list is larger than the ${max} bytes the proxy inspects`);
}
