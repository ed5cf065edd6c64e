// Object, array and membership builtins.
import {
  T_ARRAY, T_OBJECT, T_SET, TRUE_V, FALSE_V, boolV, count, elemAt, keyAt, valAt, buf, newContainer, tag,
} from "../value";
import { arrayAppend, valueGet } from "../collections";
import { equal } from "../compare";
import { numToI64, i64Out, isNumber } from "../numbers";

/** object.get(obj, key, default): an array key is a path (an empty path yields obj itself). */
export function builtin_object_get(o: usize, k: usize, dflt: usize): usize {
  if (o == 0 || tag(o) != T_OBJECT || k == 0) return 0;
  if (tag(k) != T_ARRAY) {
    const v = valueGet(o, k);
    return v != 0 ? v : dflt;
  }
  let cur = o;
  const n = count(k);
  for (let i: usize = 0; i < n; i++) {
    cur = valueGet(cur, elemAt(k, i));
    if (cur == 0) return dflt;
  }
  return cur;
}

export function builtin_object_keys(o: usize): usize {
  if (o == 0 || tag(o) != T_OBJECT) return 0;
  const n = count(o);
  const s = newContainer(T_SET, n);
  // Object keys are already sorted and unique: appending keeps the set invariant.
  for (let i: usize = 0; i < n; i++) arrayAppend(s, keyAt(o, i));
  return s;
}

export function builtin_array_concat(a: usize, b: usize): usize {
  if (a == 0 || b == 0 || tag(a) != T_ARRAY || tag(b) != T_ARRAY) return 0;
  const na = count(a), nb = count(b);
  const r = newContainer(T_ARRAY, na + nb);
  if (na > 0) memory.copy(buf(r), buf(a), na << 2);
  if (nb > 0) memory.copy(buf(r) + (na << 2), buf(b), nb << 2);
  store<u32>(r, (na + nb) as u32, 4);
  return r;
}

/** array.slice(arr, start, stop): indices clamped to [0, len]; start >= stop gives []. */
export function builtin_array_slice(a: usize, start: usize, stop: usize): usize {
  if (a == 0 || tag(a) != T_ARRAY || !isNumber(start) || !isNumber(stop)) return 0;
  if (!numToI64(start)) return 0;
  let s = i64Out;
  if (!numToI64(stop)) return 0;
  let e = i64Out;
  const n = count(a) as i64;
  if (s < 0) s = 0;
  if (e > n) e = n;
  const r = newContainer(T_ARRAY, 0);
  for (let i = s; i < e; i++) arrayAppend(r, elemAt(a, i as usize));
  return r;
}

/** `x in coll`: array elements, object values, set elements. */
export function builtin_internal_member_2(x: usize, c: usize): usize {
  if (x == 0 || c == 0) return 0;
  const t = tag(c);
  if (t == T_SET) return boolV(valueGet(c, x) != 0);
  if (t == T_ARRAY) {
    const n = count(c);
    for (let i: usize = 0; i < n; i++) if (equal(elemAt(c, i), x)) return TRUE_V;
    return FALSE_V;
  }
  if (t == T_OBJECT) {
    const n = count(c);
    for (let i: usize = 0; i < n; i++) if (equal(valAt(c, i), x)) return TRUE_V;
    return FALSE_V;
  }
  return FALSE_V;
}

/** `k, v in coll`: coll[k] == v. */
export function builtin_internal_member_3(k: usize, v: usize, c: usize): usize {
  if (k == 0 || v == 0 || c == 0) return 0;
  const t = tag(c);
  if (t != T_ARRAY && t != T_OBJECT && t != T_SET) return FALSE_V;
  return boolV(equal(valueGet(c, k), v));
}
