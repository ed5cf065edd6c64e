// Character tables and percent-escape helpers shared by the target normalizer. Lookups are
// table-driven (one array index per character) because they run on every request byte.

/** How a raw (not percent-encoded) character of a request path is treated. */
export enum PathChar {
  /** Control, space, non-ASCII: never valid in a request target. */
  Reject = 0,
  /** unreserved, sub-delims (except `;`), `:` and `@`: kept as they are. */
  Plain = 1,
  /** Printable ASCII outside pchar (`"<>[]^`{|}`): kept, but percent-encoded so one resource has one spelling. */
  Encode = 2,
  Percent = 3,
  Slash = 4,
  Backslash = 5,
  Semicolon = 6,
  Hash = 7,
}

export const PATH_CHAR: Uint8Array = (() => {
  const t = new Uint8Array(128); // default Reject
  for (let c = 0x21; c < 0x7f; c++) t[c] = PathChar.Encode;
  const plain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,=:@";
  for (let i = 0; i < plain.length; i++) t[plain.charCodeAt(i)] = PathChar.Plain;
  t[0x25] = PathChar.Percent;
  t[0x2f] = PathChar.Slash;
  t[0x5c] = PathChar.Backslash;
  t[0x3b] = PathChar.Semicolon;
  t[0x23] = PathChar.Hash;
  return t;
})();

/** RFC 3986 unreserved: the only octets whose escapes are decoded. */
export function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2d ||
    byte === 0x2e ||
    byte === 0x5f ||
    byte === 0x7e
  );
}

/** Value of one hex digit, or -1. */
export function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/**
 * The octet encoded at `s[i]` (which is `%`), or -1 when the escape is malformed (`%G1`, a
 * truncated `%4`, IIS-style `%u002e`).
 */
export function escapedByte(s: string, i: number): number {
  if (i + 2 >= s.length) return -1;
  const hi = hexValue(s.charCodeAt(i + 1));
  const lo = hexValue(s.charCodeAt(i + 2));
  return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
}

const HEX = '0123456789ABCDEF';

/** `%XX` with uppercase hex: the one spelling of an escape in a normalized target. */
export function encodeByte(byte: number): string {
  return '%' + HEX[byte >> 4]! + HEX[byte & 15]!;
}
