// Number values: i64 when exact integers fit, exact decimal text otherwise. Arithmetic tries the
// i64 path and falls back to exact decimals on overflow or non-integers, so nothing wraps silently.
import { heapTop, setHeapTop } from "./heap";
import { newInt, newRef, numRepr, intValue, N_INT, T_NUMBER, tag } from "./value";
import { decFromText, decOf, decToValue, dExp } from "./decimal";
import { decAdd, decMul, decDiv, decRem, decRound } from "./decimal_arith";
import { parseI64 } from "./json_parse";

function isJsonNumber(p: usize, len: usize): bool {
  let i: usize = 0;
  if (i < len && load<u8>(p) == 45) i++;
  if (i >= len) return false;
  const first = load<u8>(p + i);
  if (first == 48) i++;
  else if (first >= 49 && first <= 57) { while (i < len && load<u8>(p + i) - 48 < 10) i++; }
  else return false;
  if (i < len && load<u8>(p + i) == 46) {
    i++;
    const s = i;
    while (i < len && load<u8>(p + i) - 48 < 10) i++;
    if (i == s) return false;
  }
  if (i < len && (load<u8>(p + i) | 32) == 101) {
    i++;
    if (i < len && (load<u8>(p + i) == 43 || load<u8>(p + i) == 45)) i++;
    const s = i;
    while (i < len && load<u8>(p + i) - 48 < 10) i++;
    if (i == s) return false;
  }
  return i == len;
}

/**
 * A number value from decimal text: int when it is an integer literal fitting i64, the text itself
 * when it is valid JSON number text, a normalized rendering of other accepted forms ("+1", ".5"),
 * 0 when it is not a number.
 */
export function numberFromText(p: usize, len: usize): usize {
  if (!isJsonNumber(p, len)) {
    const d = decFromText(p, len);
    return d == 0 ? 0 : decToValue(d);
  }
  let integer = true;
  for (let i: usize = 0; i < len; i++) {
    const c = load<u8>(p + i);
    if (c == 46 || (c | 32) == 101) { integer = false; break; }
  }
  if (integer) {
    const v = parseI64(p, len);
    if (v != 0) return v;
  }
  return newRef(p, len);
}

// @ts-ignore: decorator
@inline
function bothInt(a: usize, b: usize): bool {
  return numRepr(a) == N_INT && numRepr(b) == N_INT;
}

export function isNumber(v: usize): bool {
  return v != 0 && tag(v) == T_NUMBER;
}

/** Runs a decimal operation, keeping only its result: scratch digits are released. */
function finish(d: usize, mark: usize): usize {
  if (d == 0) { setHeapTop(mark); return 0; }
  // The result value is built above the scratch; scratch below it is simply left in the arena.
  return decToValue(d);
}

export function numAdd(a: usize, b: usize, negate: bool): usize {
  if (bothInt(a, b)) {
    const x = intValue(a);
    const y = intValue(b);
    const r = negate ? x - y : x + y;
    const overflow = negate ? ((x ^ y) & (x ^ r)) < 0 : ((x ^ r) & (y ^ r)) < 0;
    if (!overflow) return newInt(r);
  }
  const mark = heapTop();
  return finish(decAdd(decOf(a), decOf(b), negate), mark);
}

export function numMul(a: usize, b: usize): usize {
  if (bothInt(a, b)) {
    const x = intValue(a);
    const y = intValue(b);
    const r = x * y;
    const ok = x == 0 || (r / x == y && !(x == -1 && y == i64.MIN_VALUE) && !(y == -1 && x == i64.MIN_VALUE));
    if (ok) return newInt(r);
  }
  const mark = heapTop();
  return finish(decMul(decOf(a), decOf(b)), mark);
}

export function numDiv(a: usize, b: usize): usize {
  if (bothInt(a, b)) {
    const x = intValue(a);
    const y = intValue(b);
    if (y == 0) return 0;
    if (!(x == i64.MIN_VALUE && y == -1) && x % y == 0) return newInt(x / y);
  }
  const mark = heapTop();
  return finish(decDiv(decOf(a), decOf(b)), mark);
}

export function numRem(a: usize, b: usize): usize {
  if (bothInt(a, b)) {
    const y = intValue(b);
    if (y == 0) return 0;
    if (y == -1) return newInt(0);
    return newInt(intValue(a) % y);
  }
  const mark = heapTop();
  return finish(decRem(decOf(a), decOf(b)), mark);
}

export function numAbs(a: usize): usize {
  if (numRepr(a) == N_INT) {
    const x = intValue(a);
    if (x >= 0) return a;
    if (x != i64.MIN_VALUE) return newInt(-x);
  }
  const mark = heapTop();
  const d = decOf(a);
  store<u8>(d, 0);
  return finish(d, mark);
}

export function numRound(a: usize, mode: i32): usize {
  if (numRepr(a) == N_INT) return a;
  const mark = heapTop();
  return finish(decRound(decOf(a), mode), mark);
}

/** Set by numToI64. */
export let i64Out: i64 = 0;

/** The i64 of an integral number value (int repr, or exact text of an integer that fits) in i64Out. */
export function numToI64(v: usize): bool {
  if (numRepr(v) == N_INT) { i64Out = intValue(v); return true; }
  const mark = heapTop();
  const d = decOf(v);
  let ok = false;
  if (d != 0 && dExp(d) >= 0) {
    const iv = decToValue(d);
    if (numRepr(iv) == N_INT) { i64Out = intValue(iv); ok = true; }
  }
  setHeapTop(mark);
  return ok;
}
