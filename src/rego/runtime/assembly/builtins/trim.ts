// trim family (Go's strings.Trim* semantics: cutsets are sets of code points).
import { newString, strLen, strPtr } from "../value";
import { decodeRune, runeSize } from "../utf8";
import { isStr } from "../strbytes";

function inCutset(cp: u32, cs: usize, cn: usize): bool {
  let i: usize = 0;
  while (i < cn) {
    if (decodeRune(cs + i, cn - i) == cp) return true;
    i += runeSize(cs + i, cn - i);
  }
  return false;
}

function isSpace(cp: u32): bool {
  if (cp == 32 || (cp >= 9 && cp <= 13)) return true;
  if (cp < 0x85) return false;
  return cp == 0x85 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/** Start offset after dropping leading runes matched (cutset, or whitespace when cs == 0). */
function leftEdge(p: usize, n: usize, cs: usize, cn: usize): usize {
  let i: usize = 0;
  while (i < n) {
    const cp = decodeRune(p + i, n - i);
    if (cs == 0 ? !isSpace(cp) : !inCutset(cp, cs, cn)) break;
    i += runeSize(p + i, n - i);
  }
  return i;
}

/** End offset after dropping trailing runes matched. */
function rightEdge(p: usize, n: usize, from: usize, cs: usize, cn: usize): usize {
  let e = n;
  while (e > from) {
    let b = e - 1;
    while (b > from && (load<u8>(p + b) & 0xc0) == 0x80 && e - b < 4) b--;
    const cp = decodeRune(p + b, e - b);
    if (cs == 0 ? !isSpace(cp) : !inCutset(cp, cs, cn)) break;
    e = b;
  }
  return e;
}

function trimWith(s: usize, c: usize, left: bool, right: bool): usize {
  if (!isStr(s) || (c != 1 && !isStr(c))) return 0;
  const p = strPtr(s), n = strLen(s);
  const cs: usize = c == 1 ? 0 : strPtr(c);
  const cn: usize = c == 1 ? 0 : strLen(c);
  if (c != 1 && cn == 0) return s;
  const b = left ? leftEdge(p, n, cs, cn) : 0;
  const e = right ? rightEdge(p, n, b, cs, cn) : n;
  return newString(p + b, e - b);
}

export function builtin_trim(s: usize, c: usize): usize { return trimWith(s, c, true, true); }
export function builtin_trim_left(s: usize, c: usize): usize { return trimWith(s, c, true, false); }
export function builtin_trim_right(s: usize, c: usize): usize { return trimWith(s, c, false, true); }
// c == 1 is a sentinel for "whitespace" (1 is never a valid value address: values are 8-aligned).
export function builtin_trim_space(s: usize): usize { return trimWith(s, 1, true, true); }

export function builtin_trim_prefix(s: usize, p: usize): usize {
  if (!isStr(s) || !isStr(p)) return 0;
  const n = strLen(s), m = strLen(p);
  if (m <= n && memory.compare(strPtr(s), strPtr(p), m) == 0) return newString(strPtr(s) + m, n - m);
  return s;
}

export function builtin_trim_suffix(s: usize, p: usize): usize {
  if (!isStr(s) || !isStr(p)) return 0;
  const n = strLen(s), m = strLen(p);
  if (m <= n && memory.compare(strPtr(s) + n - m, strPtr(p), m) == 0) return newString(strPtr(s), n - m);
  return s;
}
