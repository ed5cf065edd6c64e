// lower/upper: ASCII, Latin-1, Latin Extended-A pairs, Greek and Cyrillic basic blocks. Other
// scripts pass through unchanged (Go maps all of Unicode; these cover identifiers seen in practice).
import { malloc } from "../heap";
import { newString, strLen, strPtr } from "../value";
import { decodeRune, encodeRune, runeSize } from "../utf8";
import { isStr } from "../strbytes";

function toLower(c: u32): u32 {
  if (c < 0x80) return c >= 65 && c <= 90 ? c + 32 : c;
  if ((c >= 0xc0 && c <= 0xde && c != 0xd7)) return c + 32;
  if (c >= 0x100 && c <= 0x17f && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x178 && c != 0x17f) {
    const even = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e) ? (c & 1) == 1 : (c & 1) == 0;
    return even ? c + 1 : c;
  }
  if (c == 0x178) return 0xff;
  if (c >= 0x391 && c <= 0x3ab && c != 0x3a2) return c + 32;
  if (c >= 0x410 && c <= 0x42f) return c + 32;
  if (c >= 0x400 && c <= 0x40f) return c + 80;
  return c;
}

function toUpper(c: u32): u32 {
  if (c < 0x80) return c >= 97 && c <= 122 ? c - 32 : c;
  if ((c >= 0xe0 && c <= 0xfe && c != 0xf7)) return c - 32;
  if (c >= 0x100 && c <= 0x17f && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x178 && c != 0x17f) {
    const odd = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e) ? (c & 1) == 0 : (c & 1) == 1;
    return odd ? c - 1 : c;
  }
  if (c == 0xff) return 0x178;
  if (c >= 0x3b1 && c <= 0x3cb && c != 0x3c2) return c - 32;
  if (c >= 0x430 && c <= 0x44f) return c - 32;
  if (c >= 0x450 && c <= 0x45f) return c - 80;
  return c;
}

function mapCase(s: usize, upper: bool): usize {
  if (!isStr(s)) return 0;
  const p = strPtr(s), n = strLen(s);
  // All mapped pairs keep their UTF-8 length, so the output is the input's size.
  const out = malloc(n);
  let i: usize = 0;
  while (i < n) {
    const k = runeSize(p + i, n - i);
    if (k == 1 && load<u8>(p + i) >= 0x80) { store<u8>(out + i, load<u8>(p + i)); i++; continue; }
    const cp = decodeRune(p + i, n - i);
    const m = upper ? toUpper(cp) : toLower(cp);
    if (m == cp) memory.copy(out + i, p + i, k);
    else encodeRune(out + i, m);
    i += k;
  }
  return newString(out, n);
}

export function builtin_lower(s: usize): usize { return mapCase(s, false); }
export function builtin_upper(s: usize): usize { return mapCase(s, true); }
