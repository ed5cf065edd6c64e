// A growable byte sink for building Wasm binaries (a doubling Uint8Array: the runtime's code is
// copied through here on every policy compile, so byte-at-a-time arrays would dominate).
import { pushS32, pushS64, pushU32 } from './leb128.js';

const utf8 = new TextEncoder();

export class ByteSink {
  private buf = new Uint8Array(256);
  private len = 0;
  private readonly scratch: number[] = [];

  get length(): number {
    return this.len;
  }

  /** The bytes written so far (a view, valid until the next write). */
  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): this {
    this.reserve(1);
    this.buf[this.len++] = b & 0xff;
    return this;
  }

  raw(data: ArrayLike<number>): this {
    this.reserve(data.length);
    if (data instanceof Uint8Array) this.buf.set(data, this.len);
    else for (let i = 0; i < data.length; i++) this.buf[this.len + i] = (data[i] as number) & 0xff;
    this.len += data.length;
    return this;
  }

  private leb(push: (out: number[]) => void): this {
    this.scratch.length = 0;
    push(this.scratch);
    return this.raw(this.scratch);
  }

  u32(v: number): this {
    return this.leb((o) => pushU32(o, v));
  }

  s32(v: number): this {
    return this.leb((o) => pushS32(o, v));
  }

  s64(v: bigint): this {
    return this.leb((o) => pushS64(o, v));
  }

  name(s: string): this {
    const b = utf8.encode(s);
    this.u32(b.length);
    return this.raw(b);
  }

  /** Writes `inner`'s bytes prefixed with their length, as sections and bodies need. */
  sized(inner: ByteSink | ArrayLike<number>): this {
    const data = inner instanceof ByteSink ? inner.bytes : inner;
    this.u32(data.length);
    return this.raw(data);
  }

  toUint8Array(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
