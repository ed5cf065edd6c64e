// Value layout (see API.md section 2). Every value starts with a u8 tag; all are 8-byte aligned.
import { malloc } from "./heap";

export const T_NULL: u8 = 1;
export const T_BOOLEAN: u8 = 2;
export const T_NUMBER: u8 = 3;
export const T_STRING: u8 = 4;
export const T_ARRAY: u8 = 5;
export const T_OBJECT: u8 = 6;
export const T_SET: u8 = 7;

export const N_INT: u8 = 1;
export const N_REF: u8 = 2;

// Shared immutable singletons: scalars are never mutated, so one copy serves every evaluation and
// survives heap resets.
export const NULL_V: usize = memory.data<u8>([1, 0, 0, 0, 0, 0, 0, 0], 8);
export const TRUE_V: usize = memory.data<u8>([2, 0, 0, 0, 1, 0, 0, 0], 8);
export const FALSE_V: usize = memory.data<u8>([2, 0, 0, 0, 0, 0, 0, 0], 8);

// @ts-ignore: decorator
@inline
export function tag(v: usize): u8 {
  return load<u8>(v);
}

// @ts-ignore: decorator
@inline
export function boolV(b: bool): usize {
  return b ? TRUE_V : FALSE_V;
}

// @ts-ignore: decorator
@inline
export function boolValue(v: usize): bool {
  return load<u32>(v, 4) != 0;
}

export function newInt(i: i64): usize {
  const v = malloc(16);
  store<u32>(v, (T_NUMBER as u32) | ((N_INT as u32) << 8));
  store<i64>(v, i, 8);
  return v;
}

/** A number kept as exact decimal text (the caller has validated the text). */
export function newRef(text: usize, len: usize): usize {
  const v = malloc(16);
  store<u32>(v, (T_NUMBER as u32) | ((N_REF as u32) << 8));
  store<u32>(v, text as u32, 8);
  store<u32>(v, len as u32, 12);
  return v;
}

// @ts-ignore: decorator
@inline
export function numRepr(v: usize): u8 {
  return load<u8>(v, 1);
}

// @ts-ignore: decorator
@inline
export function intValue(v: usize): i64 {
  return load<i64>(v, 8);
}

// @ts-ignore: decorator
@inline
export function isInt(v: usize): bool {
  return load<u8>(v) == T_NUMBER && load<u8>(v, 1) == N_INT;
}

// @ts-ignore: decorator
@inline
export function refText(v: usize): usize {
  return load<u32>(v, 8) as usize;
}

// @ts-ignore: decorator
@inline
export function refLen(v: usize): usize {
  return load<u32>(v, 12) as usize;
}

export function newString(bytes: usize, len: usize): usize {
  const v = malloc(16);
  store<u32>(v, T_STRING as u32);
  store<u32>(v, len as u32, 4);
  store<u32>(v, bytes as u32, 8);
  return v;
}

// @ts-ignore: decorator
@inline
export function strLen(v: usize): usize {
  return load<u32>(v, 4) as usize;
}

// @ts-ignore: decorator
@inline
export function strPtr(v: usize): usize {
  return load<u32>(v, 8) as usize;
}

// Containers: +4 len, +8 cap, +12 buffer. Objects hold (key, value) pairs, so a slot is 8 bytes.
export function newContainer(t: u8, cap: usize): usize {
  const v = malloc(16);
  store<u32>(v, t as u32);
  store<u32>(v, 0, 4);
  const slot: usize = t == T_OBJECT ? 8 : 4;
  store<u32>(v, cap as u32, 8);
  store<u32>(v, (cap > 0 ? malloc(cap * slot) : 0) as u32, 12);
  return v;
}

// @ts-ignore: decorator
@inline
export function count(v: usize): usize {
  return load<u32>(v, 4) as usize;
}

// @ts-ignore: decorator
@inline
export function buf(v: usize): usize {
  return load<u32>(v, 12) as usize;
}

// @ts-ignore: decorator
@inline
export function elemAt(v: usize, i: usize): usize {
  return load<u32>(buf(v) + (i << 2)) as usize;
}

// @ts-ignore: decorator
@inline
export function keyAt(v: usize, i: usize): usize {
  return load<u32>(buf(v) + (i << 3)) as usize;
}

// @ts-ignore: decorator
@inline
export function valAt(v: usize, i: usize): usize {
  return load<u32>(buf(v) + (i << 3), 4) as usize;
}

// @ts-ignore: decorator
@inline
export function isCollection(v: usize): bool {
  const t = load<u8>(v);
  return t >= T_ARRAY;
}
