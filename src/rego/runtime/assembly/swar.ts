// Word-at-a-time byte scanning: finds the 8-byte words that contain a byte JSON treats specially
// ('"', '\\' or a control character), so long plain strings are skipped 8 bytes per step.

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

// @ts-ignore: decorator
@inline
function hasZero(x: u64): u64 {
  return (x - ONES) & ~x & HIGHS;
}

/** True if any byte of x is '"', '\\' or < 0x20 (the test may also fire on bytes >= 0x80; callers rescan bytewise). */
// @ts-ignore: decorator
@inline
export function needsAttention(x: u64): bool {
  return (hasZero(x ^ 0x2222222222222222) | hasZero(x ^ 0x5c5c5c5c5c5c5c5c) | ((x - ONES * 0x20) & ~x & HIGHS)) != 0;
}

/** First offset in [p, e) whose byte is '"', '\\' or a control character (e if none). */
export function scanPlain(p: usize, e: usize): usize {
  while (p + 8 <= e && !needsAttention(load<u64>(p))) p += 8;
  while (p < e) {
    const c = load<u8>(p);
    if (c == 34 || c == 92 || c < 0x20) return p;
    p++;
  }
  return e;
}
