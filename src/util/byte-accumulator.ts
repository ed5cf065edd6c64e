// Bytes that arrive in pieces, kept in one buffer that grows by doubling: appending n bytes costs
// O(n) amortized however small the pieces are, where concatenating the whole prefix again on
// every piece costs O(n²) when a client sends its body a few bytes at a time.

export class ByteAccumulator {
  #buf: Buffer;
  #length = 0;

  constructor(initialCapacity = 4096) {
    this.#buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.#length;
  }

  append(chunk: Uint8Array): void {
    const needed = this.#length + chunk.length;
    if (needed > this.#buf.length) {
      let capacity = this.#buf.length * 2;
      while (capacity < needed) capacity *= 2;
      const grown = Buffer.allocUnsafe(capacity);
      this.#buf.copy(grown, 0, 0, this.#length);
      this.#buf = grown;
    }
    this.#buf.set(chunk, this.#length);
    this.#length = needed;
  }

  /** Everything appended so far: a view, valid until the next append. */
  bytes(): Buffer {
    return this.#buf.subarray(0, this.#length);
  }

  /** Drops the first `n` bytes (what a parser has finished with). */
  consume(n: number): void {
    this.#buf.copy(this.#buf, 0, n, this.#length);
    this.#length -= n;
  }
}
