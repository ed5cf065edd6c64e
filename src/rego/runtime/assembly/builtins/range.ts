// numbers.range: the integers from a to b, both included, counting up or down.
import { T_ARRAY, newContainer, newInt } from "../value";
import { arrayAppend } from "../collections";
import { isNumber, numToI64, i64Out } from "../numbers";

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
