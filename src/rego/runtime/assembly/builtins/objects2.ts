// object.union / object.remove / object.filter, array.reverse, numbers.range, strings.count.
import {
  T_ARRAY, T_OBJECT, T_SET, count, elemAt, keyAt, valAt, newContainer, newInt, tag, strLen, strPtr,
} from "../value";
import { arrayAppend, objectInsert, objectGet, valueGet } from "../collections";
import { isNumber, numToI64, i64Out } from "../numbers";
import { isStr, find } from "../strbytes";
import { equal } from "../compare";
import { runeCount } from "../utf8";

function isObj(v: usize): bool { return v != 0 && tag(v) == T_OBJECT; }

/** Recursive union where b wins on conflicts (OPA's object.union). */
function union(a: usize, b: usize): usize {
  const r = newContainer(T_OBJECT, count(a) + count(b));
  const na = count(a);
  for (let i: usize = 0; i < na; i++) objectInsert(r, keyAt(a, i), valAt(a, i));
  const nb = count(b);
  for (let i: usize = 0; i < nb; i++) {
    const k = keyAt(b, i), bv = valAt(b, i);
    const av = objectGet(a, k);
    objectInsert(r, k, av != 0 && isObj(av) && isObj(bv) ? union(av, bv) : bv);
  }
  return r;
}

export function builtin_object_union(a: usize, b: usize): usize {
  return isObj(a) && isObj(b) ? union(a, b) : 0;
}

/** Whether k is among `keys` (an array, set, or an object's keys). */
function listed(keys: usize, k: usize): bool {
  const t = tag(keys);
  if (t == T_SET) return valueGet(keys, k) != 0;
  if (t == T_OBJECT) return objectGet(keys, k) != 0;
  const n = count(keys);
  for (let i: usize = 0; i < n; i++) if (equal(elemAt(keys, i), k)) return true;
  return false;
}

function keep(o: usize, keys: usize, wanted: bool): usize {
  if (!isObj(o) || keys == 0) return 0;
  const t = tag(keys);
  if (t != T_ARRAY && t != T_SET && t != T_OBJECT) return 0;
  const r = newContainer(T_OBJECT, 0);
  const n = count(o);
  for (let i: usize = 0; i < n; i++) {
    const k = keyAt(o, i);
    // Keys come out of o in order, so each insert is an append.
    if (listed(keys, k) == wanted) objectInsert(r, k, valAt(o, i));
  }
  return r;
}

export function builtin_object_remove(o: usize, keys: usize): usize { return keep(o, keys, false); }
export function builtin_object_filter(o: usize, keys: usize): usize { return keep(o, keys, true); }

export function builtin_array_reverse(a: usize): usize {
  if (a == 0 || tag(a) != T_ARRAY) return 0;
  const n = count(a);
  const r = newContainer(T_ARRAY, n);
  for (let i: usize = 0; i < n; i++) arrayAppend(r, elemAt(a, n - 1 - i));
  return r;
}

/** Longest numbers.range result; larger ones are undefined rather than exhausting memory. */
const MAX_RANGE: i64 = 1 << 22;

export function builtin_numbers_range(a: usize, b: usize): usize {
  if (!isNumber(a) || !isNumber(b) || !numToI64(a)) return 0;
  const x = i64Out;
  if (!numToI64(b)) return 0;
  const y = i64Out;
  const len = (x <= y ? y - x : x - y) + 1;
  if (len > MAX_RANGE || len <= 0) return 0;
  const r = newContainer(T_ARRAY, len as usize);
  const step: i64 = x <= y ? 1 : -1;
  for (let i: i64 = 0; i < len; i++) arrayAppend(r, newInt(x + i * step));
  return r;
}

/** strings.count(s, sub): non-overlapping occurrences; an empty sub counts code points + 1 (Go). */
export function builtin_strings_count(s: usize, sub: usize): usize {
  if (!isStr(s) || !isStr(sub)) return 0;
  const p = strPtr(s), n = strLen(s), q = strPtr(sub), m = strLen(sub);
  if (m == 0) return newInt((runeCount(p, n) + 1) as i64);
  let c: i64 = 0;
  let i = find(p, n, q, m, 0);
  while (i >= 0) { c++; i = find(p, n, q, m, (i as usize) + m); }
  return newInt(c);
}
