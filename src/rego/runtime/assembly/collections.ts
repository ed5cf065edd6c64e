// Arrays, and objects/sets kept sorted in canonical order (so iteration and dumps are OPA's order
// without a sort at the end). Inserting in ascending order, the common case, is an append.
import { realloc } from "./heap";
import {
  T_ARRAY, T_OBJECT, T_SET, T_STRING, N_INT, count, buf, elemAt, keyAt, valAt, newContainer, tag,
  numRepr, intValue, strPtr, strLen,
} from "./value";
import { compare, equal, bytesCompare } from "./compare";

/** Makes room for one more slot (slot = 4 bytes, or 8 for objects). */
function reserve(c: usize, slot: usize): void {
  const n = count(c);
  const cap = load<u32>(c, 8) as usize;
  if (n < cap) return;
  const ncap: usize = cap < 4 ? 4 : cap << 1;
  const nb = realloc(buf(c), cap * slot, ncap * slot);
  store<u32>(c, ncap as u32, 8);
  store<u32>(c, nb as u32, 12);
}

export function arrayAppend(a: usize, v: usize): void {
  reserve(a, 4);
  const n = count(a);
  store<u32>(buf(a) + (n << 2), v as u32);
  store<u32>(a, (n + 1) as u32, 4);
}

/**
 * Binary search among sorted keys (objects: stride 8, sets: stride 4). Returns the index when found,
 * else -(insertion point) - 1.
 */
export function search(c: usize, k: usize): i32 {
  if (tag(k) == T_STRING) return searchString(c, strPtr(k), strLen(k), true);
  const stride: usize = tag(c) == T_OBJECT ? 8 : 4;
  const b = buf(c);
  let lo: i32 = 0;
  let hi: i32 = (count(c) as i32) - 1;
  // Probing the last element first makes in-order inserts and parses O(1).
  if (hi >= 0) {
    const last = compare(load<u32>(b + (hi as usize) * stride) as usize, k);
    if (last < 0) return -(hi + 1) - 1;
    if (last == 0) return hi;
    hi--;
  }
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c2 = compare(load<u32>(b + (mid as usize) * stride) as usize, k);
    if (c2 == 0) return mid;
    if (c2 < 0) lo = mid + 1; else hi = mid - 1;
  }
  return -lo - 1;
}

/** Canonical order of element e against a string with bytes (kp, kl): no dispatch for string keys. */
// @ts-ignore: decorator
@inline
function cmpToString(e: usize, kp: usize, kl: usize): i32 {
  const t = tag(e);
  if (t != T_STRING) return t < T_STRING ? -1 : 1;
  return bytesCompare(strPtr(e), strLen(e), kp, kl);
}

/**
 * search() for a string key: the hot path of every `input.a.b` lookup. Inserts probe the last key
 * first (parsers and loops insert in order); lookups go straight to the binary search.
 */
function searchString(c: usize, kp: usize, kl: usize, probeLast: bool): i32 {
  const stride: usize = tag(c) == T_OBJECT ? 8 : 4;
  const b = buf(c);
  let lo: i32 = 0;
  let hi: i32 = (count(c) as i32) - 1;
  if (probeLast && hi >= 0) {
    const last = cmpToString(load<u32>(b + (hi as usize) * stride) as usize, kp, kl);
    if (last < 0) return -(hi + 1) - 1;
    if (last == 0) return hi;
    hi--;
  }
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c2 = cmpToString(load<u32>(b + (mid as usize) * stride) as usize, kp, kl);
    if (c2 == 0) return mid;
    if (c2 < 0) lo = mid + 1; else hi = mid - 1;
  }
  return -lo - 1;
}

function insertAt(c: usize, at: usize, slot: usize): usize {
  reserve(c, slot);
  const n = count(c);
  const p = buf(c) + at * slot;
  if (at < n) memory.copy(p + slot, p, (n - at) * slot);
  store<u32>(c, (n + 1) as u32, 4);
  return p;
}

export function objectInsert(o: usize, k: usize, v: usize): void {
  const i = search(o, k);
  if (i >= 0) { store<u32>(buf(o) + ((i as usize) << 3), v as u32, 4); return; }
  const p = insertAt(o, (-i - 1) as usize, 8);
  store<u32>(p, k as u32);
  store<u32>(p, v as u32, 4);
}

/** Inserts k -> v unless k is present. Returns false on a conflicting existing value. */
export function objectInsertOnce(o: usize, k: usize, v: usize): bool {
  const i = search(o, k);
  if (i >= 0) return equal(valAt(o, i as usize), v);
  const p = insertAt(o, (-i - 1) as usize, 8);
  store<u32>(p, k as u32);
  store<u32>(p, v as u32, 4);
  return true;
}

/** Objects up to this size are searched linearly for a string key (see objectGetString). */
const LINEAR_MAX: usize = 8;

/**
 * A string key's value in a small object by a linear scan that compares lengths first: most keys
 * differ in length from the one sought, so usually one byte comparison decides, where the binary
 * search needs two or three full orderings. Input documents are mostly small objects.
 */
function objectGetString(o: usize, kp: usize, kl: usize): usize {
  const n = count(o);
  if (n > LINEAR_MAX) {
    const i = searchString(o, kp, kl, false);
    return i >= 0 ? valAt(o, i as usize) : 0;
  }
  const b = buf(o);
  for (let i: usize = 0; i < n; i++) {
    const e = load<u32>(b + (i << 3)) as usize;
    if (tag(e) != T_STRING || strLen(e) != kl) continue;
    if (bytesCompare(strPtr(e), kl, kp, kl) == 0) return load<u32>(b + (i << 3), 4) as usize;
  }
  return 0;
}

export function objectGet(o: usize, k: usize): usize {
  if (tag(k) == T_STRING) return objectGetString(o, strPtr(k), strLen(k));
  const i = search(o, k);
  return i >= 0 ? valAt(o, i as usize) : 0;
}

export function setAdd(s: usize, v: usize): void {
  const i = search(s, v);
  if (i >= 0) return;
  const p = insertAt(s, (-i - 1) as usize, 4);
  store<u32>(p, v as u32);
}

export function setHas(s: usize, v: usize): bool {
  return search(s, v) >= 0;
}

/** Array index from a key value: a non-negative int below len, else -1. */
export function arrayIndex(a: usize, k: usize): i64 {
  if (tag(k) != 3 || numRepr(k) != N_INT) return -1;
  const i = intValue(k);
  return i >= 0 && i < (count(a) as i64) ? i : -1;
}

export function valueGet(v: usize, k: usize): usize {
  if (v == 0 || k == 0) return 0;
  const t = tag(v);
  if (t == T_OBJECT) return objectGet(v, k);
  if (t == T_ARRAY) {
    const i = arrayIndex(v, k);
    return i >= 0 ? elemAt(v, i as usize) : 0;
  }
  if (t == T_SET) {
    const i = search(v, k);
    return i >= 0 ? elemAt(v, i as usize) : 0;
  }
  return 0;
}

export function shallowCopy(v: usize): usize {
  const t = tag(v);
  if (t < T_ARRAY) return v;
  const n = count(v);
  const slot: usize = t == T_OBJECT ? 8 : 4;
  const c = newContainer(t, n);
  if (n > 0) memory.copy(buf(c), buf(v), n * slot);
  store<u32>(c, n as u32, 4);
  return c;
}

/**
 * Deep merge as OPA's C runtime does it (base documents merged with virtual ones): a wins wherever
 * a and b are not both objects, so the result is 0 only when a and b are.
 */
export function merge(a: usize, b: usize): usize {
  if (a == 0) return b;
  if (b == 0 || tag(a) != T_OBJECT || tag(b) != T_OBJECT) return a;
  const r = shallowCopy(a);
  const n = count(b);
  for (let i: usize = 0; i < n; i++) {
    const k = keyAt(b, i);
    const j = search(r, k);
    if (j < 0) { objectInsert(r, k, valAt(b, i)); continue; }
    const p = buf(r) + ((j as usize) << 3);
    store<u32>(p, merge(load<u32>(p, 4) as usize, valAt(b, i)) as u32, 4);
  }
  return r;
}

/** Copy-on-write upsert of `value` at `path` (an array of keys) under root (which may be 0). */
export function withPath(root: usize, path: usize, value: usize): usize {
  return upsert(root, path, 0, value);
}

function upsert(node: usize, path: usize, i: usize, value: usize): usize {
  if (i >= count(path)) return value;
  const k = elemAt(path, i);
  const o = node != 0 && tag(node) == T_OBJECT ? shallowCopy(node) : newContainer(T_OBJECT, 0);
  objectInsert(o, k, upsert(objectGet(o, k), path, i + 1, value));
  return o;
}
