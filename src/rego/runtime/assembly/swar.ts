// Word-at-a-time byte scanning: finds the 8-byte words that contain a byte JSON treats specially
// ('"', '\\' or a control character), so long plain strings are skipped 8 bytes per step.

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

// @ts-ignore: decorator
@inline
function hasZero(x: u64): u64 {
  return (x - ONES) & ~x & HIGHS;
}

/**
 * The high bit of each byte of x that is '"', '\\' or < 0x20. Only the lowest set bit is exact:
 * a borrow out of a matching byte can flag the bytes above it, never the bytes below.
 */
// @ts-ignore: decorator
@inline
function attention(x: u64): u64 {
  return hasZero(x ^ 0x2222222222222222) | hasZero(x ^ 0x5c5c5c5c5c5c5c5c) | ((x - ONES * 0x20) & ~x & HIGHS);
}

/** True if any byte of x is '"', '\\' or < 0x20. */
// @ts-ignore: decorator
@inline
export function needsAttention(x: u64): bool {
  return attention(x) != 0;
}

/** First offset in [p, e) whose byte is '"', '\\' or a control character (e if none). */
export function scanPlain(p: usize, e: usize): usize {
  // Word at a time; the lowest flagged byte of the first flagged word is the answer, so short
  // strings (most keys and values) need no bytewise pass.
  while (p + 8 <= e) {
    const m = attention(load<u64>(p));
    if (m != 0) return p + ((ctz(m) >> 3) as usize);
    p += 8;
  }
  while (p < e) {
    const c = load<u8>(p);
    if (c == 34 || c == 92 || c < 0x20) return p;
    p++;
  }
  return e;
}
