// UTF-8 helpers over raw bytes.

/** Writes code point cp at w; returns the number of bytes written. */
export function encodeRune(w: usize, cp: u32): usize {
  if (cp < 0x80) { store<u8>(w, cp as u8); return 1; }
  if (cp < 0x800) {
    store<u8>(w, (0xc0 | (cp >> 6)) as u8);
    store<u8>(w, (0x80 | (cp & 0x3f)) as u8, 1);
    return 2;
  }
  if (cp < 0x10000) {
    store<u8>(w, (0xe0 | (cp >> 12)) as u8);
    store<u8>(w, (0x80 | ((cp >> 6) & 0x3f)) as u8, 1);
    store<u8>(w, (0x80 | (cp & 0x3f)) as u8, 2);
    return 3;
  }
  store<u8>(w, (0xf0 | (cp >> 18)) as u8);
  store<u8>(w, (0x80 | ((cp >> 12) & 0x3f)) as u8, 1);
  store<u8>(w, (0x80 | ((cp >> 6) & 0x3f)) as u8, 2);
  store<u8>(w, (0x80 | (cp & 0x3f)) as u8, 3);
  return 4;
}

/** Byte length of the rune starting with byte b (1 for stray continuation bytes). */
// @ts-ignore: decorator
@inline
export function runeLen(b: u32): usize {
  return b < 0xc0 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
}

/** Decodes the rune at p (len bytes available). Invalid sequences decode as U+FFFD of length 1. */
export function decodeRune(p: usize, len: usize): u32 {
  const b0 = load<u8>(p) as u32;
  if (b0 < 0x80) return b0;
  const n = runeLen(b0);
  if (b0 < 0xc0 || n > len) return 0xfffd;
  let cp: u32 = n == 2 ? b0 & 0x1f : n == 3 ? b0 & 0x0f : b0 & 0x07;
  for (let i: usize = 1; i < n; i++) {
    const b = load<u8>(p + i) as u32;
    if ((b & 0xc0) != 0x80) return 0xfffd;
    cp = (cp << 6) | (b & 0x3f);
  }
  return cp;
}

/** Byte size of the rune at p, never past len (invalid bytes count as one rune each). */
export function runeSize(p: usize, len: usize): usize {
  const b0 = load<u8>(p) as u32;
  if (b0 < 0xc0) return 1;
  const n = runeLen(b0);
  if (n > len) return 1;
  for (let i: usize = 1; i < n; i++) if ((load<u8>(p + i) & 0xc0) != 0x80) return 1;
  return n;
}

export function runeCount(p: usize, len: usize): usize {
  let n: usize = 0;
  let i: usize = 0;
  while (i < len) { i += runeSize(p + i, len - i); n++; }
  return n;
}

/** Byte offset of the rune with index `idx` (len if past the end). */
export function runeOffset(p: usize, len: usize, idx: usize): usize {
  let i: usize = 0;
  let k: usize = 0;
  while (i < len && k < idx) { i += runeSize(p + i, len - i); k++; }
  return i;
}
