// LEB128 as the Wasm binary format uses it: unsigned for indices and sizes, signed for constants.

/** Appends the unsigned LEB128 encoding of a 32-bit value. */
export function pushU32(out: number[], value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`u32 out of range: ${value}`);
  }
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

/** Appends the signed LEB128 encoding of a 32-bit value. */
export function pushS32(out: number[], value: number): void {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
    throw new RangeError(`s32 out of range: ${value}`);
  }
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const signBit = (byte & 0x40) !== 0;
    if ((v === 0 && !signBit) || (v === -1 && signBit)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

/** Appends the signed LEB128 encoding of a 64-bit value. */
export function pushS64(out: number[], value: bigint): void {
  if (value < -(1n << 63n) || value >= 1n << 63n) throw new RangeError(`s64 out of range: ${value}`);
  let v = value;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const signBit = (byte & 0x40) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

export interface Decoded<T> {
  readonly value: T;
  readonly next: number;
}

/** Reads an unsigned LEB128 value of at most 32 bits starting at `pos`. */
export function readU32(bytes: Uint8Array, pos: number): Decoded<number> {
  let result = 0;
  let shift = 0;
  let p = pos;
  for (;;) {
    const byte = bytes[p++];
    if (byte === undefined) throw new RangeError('truncated LEB128');
    if (shift === 28 && (byte & 0x70) !== 0) throw new RangeError('u32 LEB128 overflow');
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value: result, next: p };
    shift += 7;
    if (shift > 28) throw new RangeError('u32 LEB128 too long');
  }
}

/** Reads a signed LEB128 value of up to 64 bits starting at `pos`. */
export function readS64(bytes: Uint8Array, pos: number): Decoded<bigint> {
  let result = 0n;
  let shift = 0n;
  let p = pos;
  for (;;) {
    const byte = bytes[p++];
    if (byte === undefined) throw new RangeError('truncated LEB128');
    result |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) {
      if (shift < 64n && (byte & 0x40) !== 0) result -= 1n << shift;
      return { value: BigInt.asIntN(64, result), next: p };
    }
    if (shift >= 70n) throw new RangeError('s64 LEB128 too long');
  }
}

/** Reads a signed LEB128 value of up to 32 bits starting at `pos`. */
export function readS32(bytes: Uint8Array, pos: number): Decoded<number> {
  const d = readS64(bytes, pos);
  return { value: Number(BigInt.asIntN(32, d.value)), next: d.next };
}
