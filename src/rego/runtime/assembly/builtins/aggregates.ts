// Aggregates over arrays and sets (count also over objects and strings).
import {
  T_ARRAY, T_OBJECT, T_SET, T_STRING, count, elemAt, buf, newInt, newContainer, tag, strLen, strPtr,
} from "../value";
import { isNumber, numAdd, numMul } from "../numbers";
import { compare } from "../compare";
import { sortValues } from "../sort";
import { runeCount } from "../utf8";

function isArrayOrSet(v: usize): bool {
  if (v == 0) return false;
  const t = tag(v);
  return t == T_ARRAY || t == T_SET;
}

export function builtin_count(v: usize): usize {
  if (v == 0) return 0;
  const t = tag(v);
  if (t == T_ARRAY || t == T_SET || t == T_OBJECT) return newInt(count(v) as i64);
  if (t == T_STRING) return newInt(runeCount(strPtr(v), strLen(v)) as i64);
  return 0;
}

function fold(v: usize, product: bool): usize {
  if (!isArrayOrSet(v)) return 0;
  let acc = newInt(product ? 1 : 0);
  const n = count(v);
  for (let i: usize = 0; i < n; i++) {
    const e = elemAt(v, i);
    if (!isNumber(e)) return 0;
    acc = product ? numMul(acc, e) : numAdd(acc, e, false);
    if (acc == 0) return 0;
  }
  return acc;
}

export function builtin_sum(v: usize): usize { return fold(v, false); }
export function builtin_product(v: usize): usize { return fold(v, true); }

function extreme(v: usize, sign: i32): usize {
  if (!isArrayOrSet(v)) return 0;
  const n = count(v);
  if (n == 0) return 0;
  if (tag(v) == T_SET) return elemAt(v, sign > 0 ? n - 1 : 0);
  let best = elemAt(v, 0);
  for (let i: usize = 1; i < n; i++) {
    const e = elemAt(v, i);
    if (compare(e, best) * sign > 0) best = e;
  }
  return best;
}

export function builtin_max(v: usize): usize { return extreme(v, 1); }
export function builtin_min(v: usize): usize { return extreme(v, -1); }

export function builtin_sort(v: usize): usize {
  if (!isArrayOrSet(v)) return 0;
  const n = count(v);
  const r = newContainer(T_ARRAY, n);
  if (n > 0) memory.copy(buf(r), buf(v), n << 2);
  store<u32>(r, n as u32, 4);
  if (tag(v) == T_ARRAY) sortValues(buf(r), n);
  return r;
}
