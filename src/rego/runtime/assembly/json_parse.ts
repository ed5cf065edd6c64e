// JSON (and OPA value text: set literals) parser over raw bytes. Strings without escapes and number
// text point into the source bytes, which live in the arena below everything parsed from them.
import { malloc } from "./heap";
import {
  NULL_V, TRUE_V, FALSE_V, T_ARRAY, T_OBJECT, T_SET, newString, newInt, newRef, newContainer,
} from "./value";
import { arrayAppend, objectInsert, setAdd } from "./collections";
import { encodeRune } from "./utf8";
import { scanPlain } from "./swar";

/** Deeper documents are rejected rather than risking the Wasm stack. */
const MAX_DEPTH: i32 = 1000;

let src: usize = 0;
let end: usize = 0;
let pos: usize = 0;
let valueSyntax = false;
let failed = false;

export function parseJSON(p: usize, len: usize, values: bool): usize {
  src = p; end = p + len; pos = p; valueSyntax = values; failed = false;
  const v = parseValue(0);
  skipWs();
  if (failed || v == 0 || pos != end) return 0;
  return v;
}

function skipWs(): void {
  let p = pos;
  const e = end;
  while (p < e) {
    const c = load<u8>(p);
    if (c != 32 && c != 10 && c != 13 && c != 9) break;
    p++;
  }
  pos = p;
}

function fail(): usize { failed = true; return 0; }

function literal(bytes: usize, n: usize, v: usize): usize {
  if (pos + n > end || memory.compare(pos, bytes, n) != 0) return fail();
  pos += n;
  return v;
}

function parseValue(depth: i32): usize {
  if (depth > MAX_DEPTH) return fail();
  skipWs();
  if (pos >= end) return fail();
  const c = load<u8>(pos);
  switch (c) {
    case 123: return parseObject(depth);
    case 91: return parseArray(depth);
    case 34: return parseString();
    case 116: return literal(memory.data<u8>([116, 114, 117, 101]), 4, TRUE_V);
    case 102: return literal(memory.data<u8>([102, 97, 108, 115, 101]), 5, FALSE_V);
    case 110: return literal(memory.data<u8>([110, 117, 108, 108]), 4, NULL_V);
    case 115: {
      if (!valueSyntax) return fail();
      return literal(memory.data<u8>([115, 101, 116, 40, 41]), 5, newContainer(T_SET, 0));
    }
  }
  if (c == 45 || (c >= 48 && c <= 57)) return parseNumber();
  return fail();
}

function parseArray(depth: i32): usize {
  pos++;
  const a = newContainer(T_ARRAY, 0);
  skipWs();
  if (pos < end && load<u8>(pos) == 93) { pos++; return a; }
  while (true) {
    const v = parseValue(depth + 1);
    if (v == 0) return fail();
    arrayAppend(a, v);
    skipWs();
    if (pos >= end) return fail();
    const c = load<u8>(pos++);
    if (c == 93) return a;
    if (c != 44) return fail();
  }
}

function parseObject(depth: i32): usize {
  pos++;
  skipWs();
  if (pos < end && load<u8>(pos) == 125) { pos++; return newContainer(T_OBJECT, 0); }
  const first = valueSyntax ? parseValue(depth + 1) : (load<u8>(pos) == 34 ? parseString() : fail());
  if (first == 0) return fail();
  skipWs();
  if (pos >= end) return fail();
  if (load<u8>(pos) != 58) return valueSyntax ? parseSetRest(first, depth) : fail();
  const o = newContainer(T_OBJECT, 0);
  let k = first;
  while (true) {
    pos++; // ':'
    const v = parseValue(depth + 1);
    if (v == 0) return fail();
    objectInsert(o, k, v);
    skipWs();
    if (pos >= end) return fail();
    const c = load<u8>(pos++);
    if (c == 125) return o;
    if (c != 44) return fail();
    skipWs();
    k = valueSyntax ? parseValue(depth + 1) : (pos < end && load<u8>(pos) == 34 ? parseString() : fail());
    if (k == 0) return fail();
    skipWs();
    if (pos >= end || load<u8>(pos) != 58) return fail();
  }
}

function parseSetRest(first: usize, depth: i32): usize {
  const s = newContainer(T_SET, 0);
  setAdd(s, first);
  while (true) {
    skipWs();
    if (pos >= end) return fail();
    const c = load<u8>(pos++);
    if (c == 125) return s;
    if (c != 44) return fail();
    const v = parseValue(depth + 1);
    if (v == 0) return fail();
    setAdd(s, v);
  }
}

function isDigit(c: u32): bool { return c - 48 < 10; }

function parseNumber(): usize {
  const start = pos;
  const e = end;
  let p = start;
  const neg = load<u8>(p) == 45;
  if (neg) p++;
  if (p >= e || !isDigit(load<u8>(p))) return fail();
  const digits = p;
  let m: u64 = 0;
  if (load<u8>(p) == 48) p++;
  else while (p < e && isDigit(load<u8>(p))) { m = m * 10 + ((load<u8>(p) - 48) as u64); p++; }
  const nd = p - digits;
  let integer = true;
  if (p < e && load<u8>(p) == 46) {
    integer = false;
    p++;
    if (p >= e || !isDigit(load<u8>(p))) return fail();
    while (p < e && isDigit(load<u8>(p))) p++;
  }
  if (p < e && (load<u8>(p) | 32) == 101) {
    integer = false;
    p++;
    if (p < e && (load<u8>(p) == 43 || load<u8>(p) == 45)) p++;
    if (p >= e || !isDigit(load<u8>(p))) return fail();
    while (p < e && isDigit(load<u8>(p))) p++;
  }
  pos = p;
  const len = p - start;
  // Up to 18 digits cannot overflow i64: the common case needs no second pass.
  if (integer && nd <= 18) return newInt(neg ? -(m as i64) : m as i64);
  if (integer) {
    const v = parseI64(start, len);
    if (v != 0) return v;
  }
  return newRef(start, len);
}

/** An int value when the integer text fits i64, else 0. */
export function parseI64(p: usize, len: usize): usize {
  let i: usize = 0;
  const neg = load<u8>(p) == 45;
  if (neg) i = 1;
  if (len - i > 19) return 0;
  let m: u64 = 0;
  for (; i < len; i++) m = m * 10 + ((load<u8>(p + i) - 48) as u64);
  if (!neg && m > (i64.MAX_VALUE as u64)) return 0;
  if (neg && m > (i64.MAX_VALUE as u64) + 1) return 0;
  return newInt(neg ? (0 - m) as i64 : m as i64);
}

function hex4(p: usize): i32 {
  let v: i32 = 0;
  for (let i: usize = 0; i < 4; i++) {
    const c = load<u8>(p + i) as i32;
    let d: i32;
    if (c >= 48 && c <= 57) d = c - 48;
    else if ((c | 32) >= 97 && (c | 32) <= 102) d = (c | 32) - 87;
    else return -1;
    v = (v << 4) | d;
  }
  return v;
}

function parseString(): usize {
  const start = pos + 1;
  const e = end;
  let p = start;
  let escaped = false;
  while (true) {
    p = scanPlain(p, e);
    if (p >= e) return fail();
    const c = load<u8>(p);
    if (c == 34) break;
    if (c < 0x20) return fail();
    escaped = true; // a backslash: skip it and the escaped byte
    p += 2;
  }
  pos = p + 1;
  if (!escaped) return newString(start, p - start);
  return unescape(start, p);
}

/** Decodes escapes of [p, stop) into a fresh buffer (never longer than the source). */
function unescape(p: usize, stop: usize): usize {
  const out = malloc(stop - p);
  let w = out;
  while (p < stop) {
    const c = load<u8>(p);
    if (c != 92) { store<u8>(w++, c); p++; continue; }
    const e = load<u8>(p + 1);
    p += 2;
    switch (e) {
      case 34: store<u8>(w++, 34); break;
      case 92: store<u8>(w++, 92); break;
      case 47: store<u8>(w++, 47); break;
      case 98: store<u8>(w++, 8); break;
      case 102: store<u8>(w++, 12); break;
      case 110: store<u8>(w++, 10); break;
      case 114: store<u8>(w++, 13); break;
      case 116: store<u8>(w++, 9); break;
      case 117: {
        if (p + 4 > stop) return fail();
        let cp = hex4(p);
        if (cp < 0) return fail();
        p += 4;
        if (cp >= 0xd800 && cp < 0xdc00) {
          // A high surrogate needs its low half; alone it becomes U+FFFD as in Go.
          if (p + 6 <= stop && load<u8>(p) == 92 && load<u8>(p + 1) == 117) {
            const lo = hex4(p + 2);
            if (lo >= 0xdc00 && lo < 0xe000) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
              p += 6;
            } else cp = 0xfffd;
          } else cp = 0xfffd;
        } else if (cp >= 0xdc00 && cp < 0xe000) cp = 0xfffd;
        w += encodeRune(w, cp as u32);
        break;
      }
      default: return fail();
    }
  }
  return newString(out, w - out);
}
