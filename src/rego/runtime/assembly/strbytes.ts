// Byte-string search helpers shared by the string builtins.
import { T_STRING, tag } from "./value";

export function isStr(v: usize): bool { return v != 0 && tag(v) == T_STRING; }

/** Index of needle in haystack at or after `from`, or -1. */
export function find(h: usize, hn: usize, n: usize, nn: usize, from: usize): isize {
  if (nn == 0) return from <= hn ? from as isize : -1;
  if (nn > hn) return -1;
  const first = load<u8>(n);
  const last = hn - nn;
  for (let i = from; i <= last; i++) {
    if (load<u8>(h + i) == first && memory.compare(h + i, n, nn) == 0) return i as isize;
  }
  return -1;
}
