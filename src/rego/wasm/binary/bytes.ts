// A growable byte sink for building Wasm binaries.
import { pushS32, pushS64, pushU32 } from './leb128.js';

const utf8 = new TextEncoder();

export class ByteSink {
  readonly bytes: number[] = [];

  get length(): number {
    return this.bytes.length;
  }

  byte(b: number): this {
    this.bytes.push(b & 0xff);
    return this;
  }

  raw(data: ArrayLike<number>): this {
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i] as number);
    return this;
  }

  u32(v: number): this {
    pushU32(this.bytes, v);
    return this;
  }

  s32(v: number): this {
    pushS32(this.bytes, v);
    return this;
  }

  s64(v: bigint): this {
    pushS64(this.bytes, v);
    return this;
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
    return Uint8Array.from(this.bytes);
  }
}
