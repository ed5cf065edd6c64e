// net.cidr_contains over IPv4 and IPv6. Addresses are parsed into 16 bytes (IPv4 in the first 4) and a
// family, so containment is a byte-wise prefix comparison.
import {
  T_ARRAY, T_OBJECT, T_SET, T_STRING, boolV, count, elemAt, keyAt, valAt, newContainer, newInt, strLen,
  strPtr, tag,
} from "../value";
import { arrayAppend, setAdd } from "../collections";
import { isStr } from "../strbytes";

// Parse results: a (family, prefix, 16 address bytes) per operand.
const A_ADDR = memory.data(16, 8);
const B_ADDR = memory.data(16, 8);
let family: i32 = 0; // 4 or 6 after a successful parse
let prefix: i32 = 0;

function digit(c: u32): i32 { return c - 48 < 10 ? (c - 48) as i32 : -1; }

function hexDigit(c: u32): i32 {
  if (c - 48 < 10) return (c - 48) as i32;
  const l = c | 32;
  return l >= 97 && l <= 102 ? (l - 87) as i32 : -1;
}

/** Dotted quad at [p, p+n) into out[at..at+4]. */
function parseV4(p: usize, n: usize, out: usize, at: usize): bool {
  let i: usize = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) { if (i >= n || load<u8>(p + i) != 46) return false; i++; }
    let v: i32 = 0;
    const s = i;
    while (i < n && digit(load<u8>(p + i)) >= 0) {
      v = v * 10 + digit(load<u8>(p + i));
      if (v > 255 || i - s >= 3) return false;
      i++;
    }
    if (i == s || (i - s > 1 && load<u8>(p + s) == 48)) return false;
    store<u8>(out + at + (part as usize), v as u8);
  }
  return i == n;
}

function parseV6(p: usize, n: usize, out: usize): bool {
  memory.fill(out, 0, 16);
  let groups: i32 = 0;
  let gap: i32 = -1;
  let i: usize = 0;
  if (n >= 2 && load<u8>(p) == 58 && load<u8>(p + 1) == 58) { gap = 0; i = 2; }
  else if (n >= 1 && load<u8>(p) == 58) return false;
  while (i < n) {
    // Embedded IPv4 in the last 32 bits.
    let dot = false;
    for (let j = i; j < n && load<u8>(p + j) != 58; j++) if (load<u8>(p + j) == 46) { dot = true; break; }
    if (dot) {
      if (groups > 6) return false;
      if (!parseV4(p + i, n - i, out, (groups as usize) * 2)) return false;
      groups += 2;
      i = n;
      break;
    }
    let v: i32 = 0;
    const s = i;
    while (i < n && hexDigit(load<u8>(p + i)) >= 0) {
      if (i - s >= 4) return false;
      v = (v << 4) | hexDigit(load<u8>(p + i));
      i++;
    }
    if (i == s || groups >= 8) return false;
    store<u8>(out + ((groups * 2) as usize), (v >> 8) as u8);
    store<u8>(out + ((groups * 2 + 1) as usize), v as u8);
    groups++;
    if (i == n) break;
    if (load<u8>(p + i) != 58) return false;
    i++;
    if (i < n && load<u8>(p + i) == 58) {
      if (gap >= 0) return false;
      gap = groups;
      i++;
    } else if (i == n) return false;
  }
  if (gap < 0) return groups == 8;
  if (groups > 7) return false;
  // Slide the groups after the gap to the end.
  const tail = (groups - gap) * 2;
  const dst = out + 16 - (tail as usize);
  memory.copy(dst, out + ((gap * 2) as usize), tail as usize);
  memory.fill(out + ((gap * 2) as usize), 0, (16 - gap * 2 - tail) as usize);
  return true;
}

/** Parses "addr" or "addr/prefix" into out, setting family and prefix (full length without one). */
function parse(v: usize, out: usize, needPrefix: bool): bool {
  const p = strPtr(v), n = strLen(v);
  let slash = n;
  for (let i: usize = 0; i < n; i++) if (load<u8>(p + i) == 47) { slash = i; break; }
  let v6 = false;
  for (let i: usize = 0; i < slash; i++) if (load<u8>(p + i) == 58) { v6 = true; break; }
  memory.fill(out, 0, 16);
  if (v6 ? !parseV6(p, slash, out) : !parseV4(p, slash, out, 0)) return false;
  family = v6 ? 6 : 4;
  const bits = v6 ? 128 : 32;
  if (slash == n) { prefix = bits; return !needPrefix; }
  let pre: i32 = 0;
  if (slash + 1 >= n || n - slash - 1 > 3) return false;
  for (let i = slash + 1; i < n; i++) {
    const d = digit(load<u8>(p + i));
    if (d < 0) return false;
    pre = pre * 10 + d;
  }
  if (pre > bits) return false;
  prefix = pre;
  return true;
}

function samePrefix(a: usize, b: usize, bits: i32): bool {
  const whole = bits >> 3;
  if (whole > 0 && memory.compare(a, b, whole as usize) != 0) return false;
  const rest = bits & 7;
  if (rest == 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (load<u8>(a + (whole as usize)) & mask) == (load<u8>(b + (whole as usize)) & mask);
}

export function builtin_net_cidr_contains(cidr: usize, x: usize): usize {
  if (!isStr(cidr) || !isStr(x)) return 0;
  const c = contains(cidr, x);
  return c < 0 ? 0 : boolV(c == 1);
}

/** Whether cidr (a CIDR string) contains x (an IP or CIDR string); -1 if either doesn't parse. */
function contains(cidr: usize, x: usize): i32 {
  if (!parse(cidr, A_ADDR, true)) return -1;
  const fa = family, pa = prefix;
  if (!parse(x, B_ADDR, false)) return -1;
  return family == fa && prefix >= pa && samePrefix(A_ADDR, B_ADDR, pa) ? 1 : 0;
}

/** The address string of a cidr_contains_matches term: a string, or an array whose first item is one. */
function addressOf(v: usize): usize {
  if (v == 0) return 0;
  if (tag(v) == T_STRING) return v;
  if (tag(v) == T_ARRAY && count(v) > 0 && isStr(elemAt(v, 0))) return elemAt(v, 0);
  return 0;
}

/** Flattens a string/array/set/object operand into parallel key and address arrays; false if malformed. */
function flatten(v: usize, keys: usize, addrs: usize): bool {
  if (v == 0) return false;
  const t = tag(v);
  if (t == T_STRING) { arrayAppend(keys, v); arrayAppend(addrs, v); return true; }
  if (t != T_ARRAY && t != T_SET && t != T_OBJECT) return false;
  const n = count(v);
  for (let i: usize = 0; i < n; i++) {
    const item = t == T_OBJECT ? valAt(v, i) : elemAt(v, i);
    const a = addressOf(item);
    if (a == 0) return false;
    arrayAppend(keys, t == T_ARRAY ? newInt(i as i64) : t == T_OBJECT ? keyAt(v, i) : item);
    arrayAppend(addrs, a);
  }
  return true;
}

/** net.cidr_contains_matches(cidrs, cidrs_or_ips): the set of [key, key] pairs that match. */
export function builtin_net_cidr_contains_matches(a: usize, b: usize): usize {
  const ka = newContainer(T_ARRAY, 0), aa = newContainer(T_ARRAY, 0);
  const kb = newContainer(T_ARRAY, 0), ab = newContainer(T_ARRAY, 0);
  if (!flatten(a, ka, aa) || !flatten(b, kb, ab)) return 0;
  const out = newContainer(T_SET, 0);
  const n = count(aa), m = count(ab);
  for (let i: usize = 0; i < n; i++) {
    for (let j: usize = 0; j < m; j++) {
      const c = contains(elemAt(aa, i), elemAt(ab, j));
      if (c < 0) return 0;
      if (c == 0) continue;
      const pair = newContainer(T_ARRAY, 2);
      arrayAppend(pair, elemAt(ka, i));
      arrayAppend(pair, elemAt(kb, j));
      setAdd(out, pair);
    }
  }
  return out;
}
