// Exact decimal numbers for values that do not fit the i64 fast path: sign, digits (0-9, most
// significant first) and a base-10 exponent, value = (-1)^neg * digits * 10^exp. Kept normalized
// (no leading or trailing zeros, zero has no digits) so equal numbers have equal representations.
// A Dec is a 16-byte arena block: +0 u8 neg, +4 i32 digit count, +8 i32 exponent, +12 u32 digits.
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

// @ts-ignore: decorator
@inline
function digitAt(d: usize, pos: i32): i32 {
  const j = dN(d) - 1 - (pos - dExp(d));
  return j >= 0 && j < dN(d) ? load<u8>(dDig(d) + (j as usize)) as i32 : 0;
}

function addMag(a: usize, b: usize, subtract: bool): usize {
  const ea = dExp(a), eb = dExp(b);
  const lo = ea < eb ? ea : eb;
  const ha = dN(a) + ea, hb = dN(b) + eb;
  const hi = ha > hb ? ha : hb;
  const width = hi - lo + 1;
  if (width > MAX_DIGITS) return 0;
  const r = decAlloc(width);
  const out = dDig(r);
  let carry: i32 = 0;
  for (let k = 0; k < width; k++) {
    let s: i32;
    if (subtract) {
      s = digitAt(a, lo + k) - digitAt(b, lo + k) - carry;
      carry = s < 0 ? 1 : 0;
      if (s < 0) s += 10;
    } else {
      s = digitAt(a, lo + k) + digitAt(b, lo + k) + carry;
      carry = s >= 10 ? 1 : 0;
      if (s >= 10) s -= 10;
    }
    store<u8>(out + ((width - 1 - k) as usize), s as u8);
  }
  store<i32>(r, lo, 8);
  return normalize(r);
}

/** a + b, or a - b when negateB. 0 when the result would exceed MAX_DIGITS. */
export function decAdd(a: usize, b: usize, negateB: bool): usize {
  const na = dNeg(a);
  const nb = dNeg(b) != negateB;
  if (dN(b) == 0) return a;
  if (dN(a) == 0) {
    const r = decAlloc(0);
    store<i32>(r, dN(b), 4); store<i32>(r, dExp(b), 8); store<u32>(r, dDig(b) as u32, 12);
    setNeg(r, nb);
    return r;
  }
  let r: usize;
  if (na == nb) {
    r = addMag(a, b, false);
    if (r != 0) setNeg(r, na);
    return r;
  }
  const c = cmpMag(a, b);
  if (c == 0) return decAlloc(0);
  r = c > 0 ? addMag(a, b, true) : addMag(b, a, true);
  if (r != 0) setNeg(r, c > 0 ? na : nb);
  return r;
}

export function decMul(a: usize, b: usize): usize {
  const na = dN(a), nb = dN(b);
  if (na == 0 || nb == 0) return decAlloc(0);
  const n = na + nb;
  if (n > MAX_DIGITS) return 0;
  const acc = malloc((n as usize) << 2);
  memory.fill(acc, 0, (n as usize) << 2);
  const pa = dDig(a), pb = dDig(b);
  // acc is least significant first.
  for (let i = 0; i < na; i++) {
    const x = load<u8>(pa + ((na - 1 - i) as usize)) as u32;
    if (x == 0) continue;
    for (let j = 0; j < nb; j++) {
      const q = acc + (((i + j) as usize) << 2);
      store<u32>(q, load<u32>(q) + x * (load<u8>(pb + ((nb - 1 - j) as usize)) as u32));
    }
  }
  const r = decAlloc(n);
  const out = dDig(r);
  let carry: u32 = 0;
  for (let k = 0; k < n; k++) {
    const s = load<u32>(acc + ((k as usize) << 2)) + carry;
    store<u8>(out + ((n - 1 - k) as usize), (s % 10) as u8);
    carry = s / 10;
  }
  const e = (dExp(a) as i64) + (dExp(b) as i64);
  if (e > MAX_EXPONENT || e < -MAX_EXPONENT) return 0;
  store<i32>(r, e as i32, 8);
  normalize(r);
  setNeg(r, dNeg(a) != dNeg(b));
  return r;
}

// Long division scratch: the remainder of the last longDiv, as a Dec.
let lastRemainder: usize = 0;

/**
 * Integer long division of digit strings A (na digits) by B (nb digits, B > 0), continuing past A's
 * last digit with zeros while the remainder is non-zero and fewer than `prec` significant quotient
 * digits exist (prec 0 = integer division). Returns the quotient as a Dec whose exponent counts the
 * extra zeros (negative); the remainder is left in lastRemainder.
 */
function longDiv(pa: usize, na: i32, pb: usize, nb: i32, prec: i32): usize {
  const w = nb + 1;
  const rem = malloc(w as usize);
  memory.fill(rem, 0, w as usize);
  const qcap = na + (prec > 0 ? prec + 2 : 0);
  if (qcap > MAX_DIGITS * 2) return 0;
  const q = decAlloc(qcap);
  const qd = dDig(q);
  let qn: i32 = 0;
  let sig: i32 = 0;
  let extra: i32 = 0;
  let i: i32 = 0;
  while (true) {
    let next: i32;
    if (i < na) next = load<u8>(pa + (i as usize));
    else {
      if (prec == 0 || sig >= prec || remIsZero(rem, w)) break;
      next = 0;
      extra++;
    }
    i++;
    memory.copy(rem, rem + 1, (w - 1) as usize);
    store<u8>(rem + ((w - 1) as usize), next as u8);
    let digit: u8 = 0;
    while (remGe(rem, pb, nb)) { remSub(rem, pb, nb); digit++; }
    store<u8>(qd + (qn++ as usize), digit);
    if (digit != 0 || sig > 0) sig++;
  }
  store<i32>(q, qn, 4);
  store<i32>(q, -extra, 8);
  const r = decAlloc(0);
  store<i32>(r, w, 4);
  store<u32>(r, rem as u32, 12);
  lastRemainder = normalize(r);
  return normalize(q);
}

function remIsZero(rem: usize, w: i32): bool {
  for (let i = 0; i < w; i++) if (load<u8>(rem + (i as usize)) != 0) return false;
  return true;
}

/** rem (nb+1 digits) >= B (nb digits)? */
function remGe(rem: usize, pb: usize, nb: i32): bool {
  if (load<u8>(rem) != 0) return true;
  for (let i = 0; i < nb; i++) {
    const x = load<u8>(rem + ((i + 1) as usize)), y = load<u8>(pb + (i as usize));
    if (x != y) return x > y;
  }
  return true;
}

function remSub(rem: usize, pb: usize, nb: i32): void {
  let borrow: i32 = 0;
  for (let i = nb - 1; i >= -1; i--) {
    const y: i32 = i >= 0 ? load<u8>(pb + (i as usize)) as i32 : 0;
    const p = rem + ((i + 1) as usize);
    let s = (load<u8>(p) as i32) - y - borrow;
    borrow = s < 0 ? 1 : 0;
    if (s < 0) s += 10;
    store<u8>(p, s as u8);
  }
}

/** a / b; exact when the quotient terminates, else DIV_PRECISION significant digits. 0 if b is 0. */
export function decDiv(a: usize, b: usize): usize {
  if (dN(b) == 0) return 0;
  if (dN(a) == 0) return decAlloc(0);
  const q = longDiv(dDig(a), dN(a), dDig(b), dN(b), DIV_PRECISION);
  if (q == 0) return 0;
  const e = (dExp(q) as i64) + (dExp(a) as i64) - (dExp(b) as i64);
  if (e > MAX_EXPONENT || e < -MAX_EXPONENT) return 0;
  store<i32>(q, e as i32, 8);
  setNeg(q, dNeg(a) != dNeg(b));
  return q;
}

/** Expands an integral Dec to its full digit string (no exponent). 0 if not integral or too long. */
function integerDigits(d: usize): usize {
  const e = dExp(d);
  if (e < 0) return 0;
  const n = dN(d) + e;
  if (n > MAX_DIGITS) return 0;
  const r = decAlloc(n);
  memory.copy(dDig(r), dDig(d), dN(d) as usize);
  memory.fill(dDig(r) + (dN(d) as usize), 0, e as usize);
  return r;
}

/** Truncated remainder (sign of the dividend) of two integers; 0 if b is 0 or either isn't integral. */
export function decRem(a: usize, b: usize): usize {
  if (dN(b) == 0) return 0;
  if (dN(a) == 0) return (dExp(b) >= 0) ? a : 0;
  const ia = integerDigits(a), ib = integerDigits(b);
  if (ia == 0 || ib == 0) return 0;
  if (longDiv(dDig(ia), dN(ia), dDig(ib), dN(ib), 0) == 0) return 0;
  const r = lastRemainder;
  setNeg(r, dNeg(a));
  return r;
}

export const ROUND: i32 = 0;
export const CEIL: i32 = 1;
export const FLOOR: i32 = 2;

/** round (half away from zero), ceil or floor. */
export function decRound(d: usize, mode: i32): usize {
  const e = dExp(d);
  if (e >= 0 || dN(d) == 0) return d;
  const n = dN(d);
  const pos = n + e;
  const keep = pos > 0 ? pos : 0;
  const r = decAlloc(keep);
  if (keep > 0) memory.copy(dDig(r), dDig(d), keep as usize);
  normalize(r);
  const neg = dNeg(d);
  const first: i32 = pos >= 0 ? load<u8>(dDig(d) + (pos as usize)) as i32 : 0;
  const up = mode == ROUND ? first >= 5 : mode == CEIL ? !neg : neg;
  let out = r;
  if (up) out = decAdd(r, decFromInt(1), false);
  if (out != 0) setNeg(out, neg);
  return out;
}
