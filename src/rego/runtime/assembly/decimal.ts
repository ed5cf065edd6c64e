// Exact decimal numbers for values that do not fit the i64 fast path: sign, digits (0-9, most
// significant first) and a base-10 exponent, value = (-1)^neg * digits * 10^exp. Kept normalized
// (no leading or trailing zeros, zero has no digits) so equal numbers have equal representations.
// A Dec is a 16-byte arena block: +0 u8 neg, +4 i32 digit count, +8 i32 exponent, +12 u32 digits.
// This file: representation, text and comparison; decimal_arith.ts: arithmetic.
import { malloc } from "./heap";
import { newInt, newRef, numRepr, intValue, refText, refLen, N_INT } from "./value";

/** Results longer than this are refused (undefined) so hostile numbers cannot exhaust memory. */
export const MAX_DIGITS: i32 = 4096;
/** Exponents beyond this are refused (undefined), keeping exponent arithmetic inside i32. */
export const MAX_EXPONENT: i64 = 1000000000;
/** Significant digits kept by a division that does not terminate. */
export const DIV_PRECISION: i32 = 34;

// @ts-ignore: decorator
@inline export function dNeg(d: usize): bool { return load<u8>(d) != 0; }
// @ts-ignore: decorator
@inline export function dN(d: usize): i32 { return load<i32>(d, 4); }
// @ts-ignore: decorator
@inline export function dExp(d: usize): i32 { return load<i32>(d, 8); }
// @ts-ignore: decorator
@inline export function dDig(d: usize): usize { return load<u32>(d, 12) as usize; }

export function decAlloc(n: i32): usize {
  const d = malloc(16 + (n as usize));
  store<u32>(d, 0);
  store<i32>(d, n, 4);
  store<i32>(d, 0, 8);
  store<u32>(d, (d + 16) as u32, 12);
  return d;
}

export function setNeg(d: usize, neg: bool): void {
  store<u8>(d, neg && dN(d) > 0 ? 1 : 0);
}

/** Drops leading and trailing zeros; zero becomes the empty, non-negative digit string. */
export function normalize(d: usize): usize {
  let p = dDig(d);
  let n = dN(d);
  let e = dExp(d);
  while (n > 0 && load<u8>(p) == 0) { p++; n--; }
  while (n > 0 && load<u8>(p + (n as usize) - 1) == 0) { n--; e++; }
  if (n == 0) { e = 0; store<u8>(d, 0); }
  store<i32>(d, n, 4);
  store<i32>(d, e, 8);
  store<u32>(d, p as u32, 12);
  return d;
}

function isDigit(c: u32): bool { return c - 48 < 10; }

/** Parses -?digits[.digits][e[+-]digits] (a leading '+', ".5" and "5." are accepted too). 0 if invalid. */
export function decFromText(p: usize, len: usize): usize {
  let i: usize = 0;
  let neg = false;
  if (len > 0 && load<u8>(p) == 45) { neg = true; i++; }
  else if (len > 0 && load<u8>(p) == 43) { i++; }
  const d = decAlloc(len as i32);
  const out = dDig(d);
  let n: i32 = 0;
  let frac: i32 = 0;
  while (i < len && isDigit(load<u8>(p + i))) { store<u8>(out + (n++ as usize), load<u8>(p + i) - 48); i++; }
  if (i < len && load<u8>(p + i) == 46) {
    i++;
    while (i < len && isDigit(load<u8>(p + i))) { store<u8>(out + (n++ as usize), load<u8>(p + i) - 48); frac++; i++; }
  }
  if (n == 0) return 0;
  let exp: i64 = 0;
  if (i < len && (load<u8>(p + i) | 32) == 101) {
    i++;
    let eneg = false;
    if (i < len && (load<u8>(p + i) == 45 || load<u8>(p + i) == 43)) { eneg = load<u8>(p + i) == 45; i++; }
    if (i >= len || !isDigit(load<u8>(p + i))) return 0;
    while (i < len && isDigit(load<u8>(p + i))) {
      if (exp < 1000000000) exp = exp * 10 + (load<u8>(p + i) - 48);
      i++;
    }
    if (eneg) exp = -exp;
  }
  if (i != len) return 0;
  // Absurd exponents are clamped just past the limit: such numbers still compare sensibly, and any
  // arithmetic on them is refused by the digit and exponent limits.
  let e = exp - frac;
  if (e > MAX_EXPONENT) e = MAX_EXPONENT + 1;
  if (e < -MAX_EXPONENT) e = -MAX_EXPONENT - 1;
  store<i32>(d, n, 4);
  store<i32>(d, e as i32, 8);
  normalize(d);
  setNeg(d, neg);
  return d;
}

export function decFromInt(x: i64): usize {
  const d = decAlloc(20);
  let m: u64 = x < 0 ? (0 - x) as u64 : x as u64;
  const out = dDig(d);
  let k: i32 = 20;
  while (m != 0) { store<u8>(out + (--k as usize), (m % 10) as u8); m /= 10; }
  store<u32>(d, (out + (k as usize)) as u32, 12);
  store<i32>(d, 20 - k, 4);
  normalize(d);
  setNeg(d, x < 0);
  return d;
}

/** The Dec of a number value (int or exact text). */
export function decOf(v: usize): usize {
  if (numRepr(v) == N_INT) return decFromInt(intValue(v));
  const d = decFromText(refText(v), refLen(v));
  // Ref texts are validated when made; a malformed static one reads as zero rather than as garbage.
  return d != 0 ? d : decAlloc(0);
}

/** A number value: the i64 representation when the Dec is an integer that fits, else exact text. */
export function decToValue(d: usize): usize {
  const n = dN(d);
  const e = dExp(d);
  if (n == 0) return newInt(0);
  if (e >= 0 && n + e <= 19) {
    let m: u64 = 0;
    const p = dDig(d);
    for (let i = 0; i < n; i++) m = m * 10 + load<u8>(p + (i as usize));
    for (let i = 0; i < e; i++) m *= 10;
    if (!dNeg(d) && m <= (i64.MAX_VALUE as u64)) return newInt(m as i64);
    if (dNeg(d) && m <= ((i64.MAX_VALUE as u64) + 1)) return newInt((0 - m) as i64);
  }
  return formatDec(d);
}

function formatDec(d: usize): usize {
  const n = dN(d);
  const e = dExp(d);
  const p = dDig(d);
  const sci = n - 1 + e;
  const out = malloc((n as usize) + 64);
  let w = out;
  if (dNeg(d)) store<u8>(w++, 45);
  if (e >= 0 && n + e <= 40) {
    for (let i = 0; i < n; i++) store<u8>(w++, load<u8>(p + (i as usize)) + 48);
    for (let i = 0; i < e; i++) store<u8>(w++, 48);
  } else if (e < 0 && sci >= -20) {
    const pos = n + e;
    if (pos > 0) {
      for (let i = 0; i < n; i++) {
        if (i == pos) store<u8>(w++, 46);
        store<u8>(w++, load<u8>(p + (i as usize)) + 48);
      }
    } else {
      store<u8>(w++, 48); store<u8>(w++, 46);
      for (let i = 0; i < -pos; i++) store<u8>(w++, 48);
      for (let i = 0; i < n; i++) store<u8>(w++, load<u8>(p + (i as usize)) + 48);
    }
  } else {
    store<u8>(w++, load<u8>(p) + 48);
    if (n > 1) {
      store<u8>(w++, 46);
      for (let i = 1; i < n; i++) store<u8>(w++, load<u8>(p + (i as usize)) + 48);
    }
    store<u8>(w++, 101);
    store<u8>(w++, sci < 0 ? 45 : 43);
    w = writeUint(w, sci < 0 ? (-sci) as u64 : sci as u64);
  }
  return newRef(out, w - out);
}

/** Writes the decimal digits of m at w; returns the end. */
export function writeUint(w: usize, m: u64): usize {
  let k: usize = 0;
  let t = m;
  do { k++; t /= 10; } while (t != 0);
  let q = w + k;
  do { store<u8>(--q, (m % 10) as u8 + 48); m /= 10; } while (m != 0);
  return w + k;
}

function sign(d: usize): i32 {
  return dN(d) == 0 ? 0 : dNeg(d) ? -1 : 1;
}

export function cmpMag(a: usize, b: usize): i32 {
  const na = dN(a), nb = dN(b);
  if (na == 0 || nb == 0) return na == nb ? 0 : na == 0 ? -1 : 1;
  const ea = na - 1 + dExp(a), eb = nb - 1 + dExp(b);
  if (ea != eb) return ea < eb ? -1 : 1;
  const m = na < nb ? na : nb;
  const pa = dDig(a), pb = dDig(b);
  for (let i = 0; i < m; i++) {
    const x = load<u8>(pa + (i as usize)), y = load<u8>(pb + (i as usize));
    if (x != y) return x < y ? -1 : 1;
  }
  return na == nb ? 0 : na < nb ? -1 : 1;
}

export function decCmp(a: usize, b: usize): i32 {
  const sa = sign(a), sb = sign(b);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  const m = cmpMag(a, b);
  return sa > 0 ? m : -m;
}
