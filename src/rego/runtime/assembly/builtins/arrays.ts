// Array builtins: array.concat, array.slice, array.reverse.
import { T_ARRAY, count, elemAt, buf, newContainer, tag } from "../value";
import { arrayAppend } from "../collections";
import { numToI64, i64Out, isNumber } from "../numbers";

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

export function builtin_array_reverse(a: usize): usize {
  if (a == 0 || tag(a) != T_ARRAY) return 0;
  const n = count(a);
  const r = newContainer(T_ARRAY, n);
  for (let i: usize = 0; i < n; i++) arrayAppend(r, elemAt(a, n - 1 - i));
  return r;
}
