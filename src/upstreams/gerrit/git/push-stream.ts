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
import { PushHeadParser, type PushHead } from './push-head.js';
import { ByteAccumulator } from '../../../util/byte-accumulator.js';

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
  // Each chunk is decoded and parsed once: the parser and the inflater carry on where they
  // stopped, so the cost is linear in the body whatever size the client's chunks are.
  const parser = new PushHeadParser();
  const decoded = decoding === 'gzip' ? new HeadInflater(maxHeadBytes) : new PlainHead();
  try {
    for (;;) {
      const head = parser.parse(decoded.bytes(), ended && decoded.complete);
      if (head !== undefined && head.length > maxHeadBytes) throw tooLarge(maxHeadBytes);
      if (head !== undefined) return { head, stream: Readable.from(replay(consumed, source.untimed()), { objectMode: false }) };
      if (decoded.length > maxHeadBytes || rawSize > maxHeadBytes * 2 || ended) throw tooLarge(maxHeadBytes);
      const next = await source.next();
      if (next.done === true) {
        ended = true;
        await decoded.end();
      } else {
        consumed.push(next.value);
        rawSize += next.value.length;
        await decoded.write(next.value);
      }
    }
  } finally {
    decoded.close();
  }
}

/** The decoded body so far, fed the raw chunks as they arrive. */
interface DecodedHead {
  readonly length: number;
  /** True once the whole body has been decoded. */
  readonly complete: boolean;
  bytes(): Buffer;
  write(chunk: Buffer): Promise<void>;
  end(): Promise<void>;
  close(): void;
}

class PlainHead implements DecodedHead {
  readonly #acc = new ByteAccumulator();
  complete = false;
  get length(): number {
    return this.#acc.length;
  }
  bytes(): Buffer {
    return this.#acc.bytes();
  }
  write(chunk: Buffer): Promise<void> {
    this.#acc.append(chunk);
    return Promise.resolve();
  }
  end(): Promise<void> {
    this.complete = true;
    return Promise.resolve();
  }
  close(): void {}
}

/**
 * Inflates a gzip body as it arrives, one stream for the whole body, keeping at most about
 * `limit` bytes of output (the head sits at the start, and a small body must not inflate into a
 * huge one in memory). `complete` is true only when the whole body inflated within the limit.
 */
class HeadInflater implements DecodedHead {
  readonly #acc = new ByteAccumulator();
  readonly #gunzip = zlib.createGunzip();
  readonly #limit: number;
  #truncated = false;
  #failed = false;
  complete = false;

  constructor(limit: number) {
    this.#limit = limit + 8;
    this.#gunzip.on('data', (out: Buffer) => {
      const room = this.#limit - this.#acc.length;
      if (out.length > room) this.#truncated = true;
      if (room > 0) this.#acc.append(out.subarray(0, room));
    });
    this.#gunzip.on('error', () => {
      this.#failed = true;
    });
  }

  get length(): number {
    // Past the limit reads as one byte over, so the caller refuses it as too large.
    return this.#truncated ? this.#limit + 1 : this.#acc.length;
  }

  bytes(): Buffer {
    return this.#acc.bytes();
  }

  write(chunk: Buffer): Promise<void> {
    return this.#settle((done) => {
      this.#gunzip.write(chunk);
      this.#gunzip.flush(zlib.constants.Z_SYNC_FLUSH, done);
    });
  }

  async end(): Promise<void> {
    await this.#settle((done) => {
      this.#gunzip.once('end', done);
      this.#gunzip.end();
    });
    this.complete = !this.#truncated;
  }

  close(): void {
    this.#gunzip.destroy();
  }

  /** Runs `start` and waits for its callback or for the stream to fail, whichever comes first. */
  #settle(start: (done: () => void) => void): Promise<void> {
    if (this.#failed) return Promise.reject(undecodable());
    return new Promise<void>((resolve, reject) => {
      const fail = (): void => reject(undecodable());
      this.#gunzip.once('error', fail);
      start(() => {
        this.#gunzip.off('error', fail);
        if (this.#failed) reject(undecodable());
        else resolve();
      });
    });
  }
}

function undecodable(): ChangegateError {
  return malformed('the gzip-encoded body does not decompress');
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

function tooLarge(max: number): ChangegateError {
  return new ChangegateError('payload_too_large', `the push's command list is larger than the ${max} bytes the proxy inspects`);
}
