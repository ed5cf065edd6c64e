// Arithmetic on Decs (see decimal.ts): schoolbook add/subtract/multiply, long division, rounding.
// Every operation refuses (returns 0) results past MAX_DIGITS or MAX_EXPONENT.
import { malloc } from "./heap";
import {
  MAX_DIGITS, MAX_EXPONENT, DIV_PRECISION, dNeg, dN, dExp, dDig, decAlloc, setNeg, normalize, cmpMag,
  decFromInt,
} from "./decimal";

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
