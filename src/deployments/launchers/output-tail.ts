// The last bytes a child wrote (stdout and stderr interleaved, as they arrived), for a launch
// error, the Gerrit message and the deployments page. Memory stays bounded whatever the child
// writes: old chunks are dropped as new ones arrive.

export const DEFAULT_TAIL_BYTES = 16 * 1024;

export class OutputTail {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #size = 0;
  #dropped = false;

  constructor(limitBytes = DEFAULT_TAIL_BYTES) {
    this.#limit = limitBytes;
  }

  push(chunk: Buffer | string): void {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (buf.length >= this.#limit) {
      // A chunk larger than the whole tail replaces it; copy so the child's big buffer can go.
      this.#dropped ||= buf.length > this.#limit || this.#size > 0;
      buf = Buffer.from(buf.subarray(buf.length - this.#limit));
      this.#chunks = [buf];
      this.#size = buf.length;
      return;
    }
    this.#chunks.push(buf);
    this.#size += buf.length;
    while (this.#size > this.#limit) {
      const first = this.#chunks[0]!;
      const excess = this.#size - this.#limit;
      this.#dropped = true;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
      } else {
        this.#chunks[0] = first.subarray(excess);
        this.#size -= excess;
      }
    }
  }

  /** The tail as text. A cut inside a UTF-8 sequence drops that sequence's leftover bytes instead of showing U+FFFD. */
  text(): string {
    let buf = Buffer.concat(this.#chunks, this.#size);
    if (this.#dropped) {
      let start = 0;
      while (start < buf.length && start < 3 && (buf[start]! & 0xc0) === 0x80) start++;
      buf = buf.subarray(start);
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(buf);
  }
}
