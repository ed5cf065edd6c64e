// base64, base64url and hex encodings of strings' bytes.
import { malloc } from "../heap";
import { boolV, newString, strLen, strPtr } from "../value";
import { isStr } from "../strbytes";

const STD = memory.data<u8>([65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 43, 47]);
const URL = memory.data<u8>([65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 45, 95]);
const HEXD = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

function encode(s: usize, alphabet: usize, pad: bool): usize {
  if (!isStr(s)) return 0;
  const p = strPtr(s), n = strLen(s);
  const out = malloc((n + 2) / 3 * 4);
  let w = out;
  let i: usize = 0;
  for (; i + 3 <= n; i += 3) {
    const v = ((load<u8>(p + i) as u32) << 16) | ((load<u8>(p + i + 1) as u32) << 8) | (load<u8>(p + i + 2) as u32);
    store<u8>(w++, load<u8>(alphabet + ((v >> 18) as usize)));
    store<u8>(w++, load<u8>(alphabet + (((v >> 12) & 63) as usize)));
    store<u8>(w++, load<u8>(alphabet + (((v >> 6) & 63) as usize)));
    store<u8>(w++, load<u8>(alphabet + ((v & 63) as usize)));
  }
  const rest = n - i;
  if (rest > 0) {
    let v = (load<u8>(p + i) as u32) << 16;
    if (rest == 2) v |= (load<u8>(p + i + 1) as u32) << 8;
    store<u8>(w++, load<u8>(alphabet + ((v >> 18) as usize)));
    store<u8>(w++, load<u8>(alphabet + (((v >> 12) & 63) as usize)));
    if (rest == 2) store<u8>(w++, load<u8>(alphabet + (((v >> 6) & 63) as usize)));
    else if (pad) store<u8>(w++, 61);
    if (pad) store<u8>(w++, 61);
  }
  return newString(out, w - out);
}

function sextet(c: u32, url: bool): i32 {
  if (c >= 65 && c <= 90) return (c - 65) as i32;
  if (c >= 97 && c <= 122) return (c - 71) as i32;
  if (c >= 48 && c <= 57) return (c + 4) as i32;
  if (c == (url ? 45 : 43)) return 62;
  if (c == (url ? 95 : 47)) return 63;
  return -1;
}

/** Decodes; padding is required for the standard alphabet and optional for the URL one. 0 if invalid. */
function decode(s: usize, url: bool): usize {
  if (!isStr(s)) return 0;
  const p = strPtr(s);
  let n = strLen(s);
  if (!url && (n & 3) != 0) return 0;
  let pads: usize = 0;
  while (n > 0 && pads < 2 && load<u8>(p + n - 1) == 61) { n--; pads++; }
  if ((n & 3) == 1) return 0;
  if (pads > 0 && ((n + pads) & 3) != 0) return 0;
  const out = malloc(n / 4 * 3 + 3);
  let w = out;
  let acc: u32 = 0;
  let bits: u32 = 0;
  for (let i: usize = 0; i < n; i++) {
    const v = sextet(load<u8>(p + i), url);
    if (v < 0) return 0;
    acc = (acc << 6) | (v as u32);
    bits += 6;
    if (bits >= 8) { bits -= 8; store<u8>(w++, ((acc >> bits) & 0xff) as u8); }
  }
  // Leftover bits must be zero (Go rejects non-canonical encodings).
  if ((acc & ((1 << bits) - 1)) != 0) return 0;
  return newString(out, w - out);
}

export function builtin_base64_encode(s: usize): usize { return encode(s, STD, true); }
export function builtin_base64_decode(s: usize): usize { return decode(s, false); }
export function builtin_base64_is_valid(s: usize): usize { return isStr(s) ? boolV(decode(s, false) != 0) : 0; }
export function builtin_base64url_encode(s: usize): usize { return encode(s, URL, true); }
export function builtin_base64url_encode_no_pad(s: usize): usize { return encode(s, URL, false); }
export function builtin_base64url_decode(s: usize): usize { return decode(s, true); }

export function builtin_hex_encode(s: usize): usize {
  if (!isStr(s)) return 0;
  const p = strPtr(s), n = strLen(s);
  const out = malloc(n * 2);
  for (let i: usize = 0; i < n; i++) {
    const b = load<u8>(p + i);
    store<u8>(out + 2 * i, load<u8>(HEXD + ((b >> 4) as usize)));
    store<u8>(out + 2 * i + 1, load<u8>(HEXD + ((b & 15) as usize)));
  }
  return newString(out, n * 2);
}

function nibble(c: u32): i32 {
  if (c - 48 < 10) return (c - 48) as i32;
  const l = c | 32;
  return l >= 97 && l <= 102 ? (l - 87) as i32 : -1;
}

export function builtin_hex_decode(s: usize): usize {
  if (!isStr(s)) return 0;
  const p = strPtr(s), n = strLen(s);
  if ((n & 1) != 0) return 0;
  const out = malloc(n / 2);
  for (let i: usize = 0; i < n; i += 2) {
    const hi = nibble(load<u8>(p + i)), lo = nibble(load<u8>(p + i + 1));
    if (hi < 0 || lo < 0) return 0;
    store<u8>(out + i / 2, ((hi << 4) | lo) as u8);
  }
  return newString(out, n / 2);
}
