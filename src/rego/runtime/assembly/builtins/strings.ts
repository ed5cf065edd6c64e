// String builtins over UTF-8 bytes. Indices that Rego exposes (indexof, substring) count code points.
import {
  T_ARRAY, T_SET, boolV, count, elemAt, newContainer, newInt, newString, strLen, strPtr, tag,
} from "../value";
import { malloc } from "../heap";
import { arrayAppend } from "../collections";
import { runeCount, runeOffset, runeSize } from "../utf8";
import { isNumber, numToI64, i64Out } from "../numbers";
import { isStr, find } from "../strbytes";

export function builtin_startswith(s: usize, p: usize): usize {
  if (!isStr(s) || !isStr(p)) return 0;
  const n = strLen(p);
  return boolV(n <= strLen(s) && memory.compare(strPtr(s), strPtr(p), n) == 0);
}

export function builtin_endswith(s: usize, p: usize): usize {
  if (!isStr(s) || !isStr(p)) return 0;
  const n = strLen(p), m = strLen(s);
  return boolV(n <= m && memory.compare(strPtr(s) + m - n, strPtr(p), n) == 0);
}

export function builtin_contains(s: usize, p: usize): usize {
  if (!isStr(s) || !isStr(p)) return 0;
  return boolV(find(strPtr(s), strLen(s), strPtr(p), strLen(p), 0) >= 0);
}

/** indexof(s, sub): code point index or -1; an empty `sub` is an error in OPA, so undefined. */
export function builtin_indexof(s: usize, p: usize): usize {
  if (!isStr(s) || !isStr(p) || strLen(p) == 0) return 0;
  const i = find(strPtr(s), strLen(s), strPtr(p), strLen(p), 0);
  if (i < 0) return newInt(-1);
  return newInt(runeCount(strPtr(s), i as usize) as i64);
}

/** substring(s, start, length): code points; negative length = to the end; start past end = "". */
export function builtin_substring(s: usize, start: usize, len: usize): usize {
  if (!isStr(s) || !isNumber(start) || !isNumber(len)) return 0;
  if (!numToI64(start)) return 0;
  const st = i64Out;
  if (!numToI64(len)) return 0;
  const ln = i64Out;
  if (st < 0) return 0;
  const p = strPtr(s), n = strLen(s);
  const runes = runeCount(p, n) as i64;
  if (st >= runes) return newString(p, 0);
  const b = runeOffset(p, n, st as usize);
  let e = n;
  if (ln >= 0 && st + ln < runes) e = b + runeOffset(p + b, n - b, ln as usize);
  return newString(p + b, e - b);
}

/** replace(s, old, new): every occurrence; an empty `old` matches at each code point boundary. */
export function builtin_replace(s: usize, o: usize, r: usize): usize {
  if (!isStr(s) || !isStr(o) || !isStr(r)) return 0;
  const p = strPtr(s), n = strLen(s), op = strPtr(o), on = strLen(o), rp = strPtr(r), rn = strLen(r);
  let hits: usize = 0;
  if (on == 0) hits = runeCount(p, n) + 1;
  else {
    let i = find(p, n, op, on, 0);
    while (i >= 0) { hits++; i = find(p, n, op, on, (i as usize) + on); }
  }
  if (hits == 0) return s;
  const out = malloc(n + hits * rn);
  let w = out;
  let i: usize = 0;
  if (on == 0) {
    memory.copy(w, rp, rn); w += rn;
    while (i < n) {
      const k = runeSize(p + i, n - i);
      memory.copy(w, p + i, k); w += k; i += k;
      memory.copy(w, rp, rn); w += rn;
    }
    return newString(out, w - out);
  }
  while (true) {
    const j = find(p, n, op, on, i);
    if (j < 0) break;
    memory.copy(w, p + i, (j as usize) - i); w += (j as usize) - i;
    memory.copy(w, rp, rn); w += rn;
    i = (j as usize) + on;
  }
  memory.copy(w, p + i, n - i); w += n - i;
  return newString(out, w - out);
}

/** split(s, delim): pieces share the source bytes; an empty delimiter splits into code points. */
export function builtin_split(s: usize, d: usize): usize {
  if (!isStr(s) || !isStr(d)) return 0;
  const p = strPtr(s), n = strLen(s), dp = strPtr(d), dn = strLen(d);
  const a = newContainer(T_ARRAY, 0);
  if (dn == 0) {
    let i: usize = 0;
    while (i < n) { const k = runeSize(p + i, n - i); arrayAppend(a, newString(p + i, k)); i += k; }
    return a;
  }
  let i: usize = 0;
  while (true) {
    const j = find(p, n, dp, dn, i);
    if (j < 0) break;
    arrayAppend(a, newString(p + i, (j as usize) - i));
    i = (j as usize) + dn;
  }
  arrayAppend(a, newString(p + i, n - i));
  return a;
}

/** concat(delim, array or set of strings) */
export function builtin_concat(d: usize, c: usize): usize {
  if (!isStr(d) || c == 0 || (tag(c) != T_ARRAY && tag(c) != T_SET)) return 0;
  const n = count(c);
  let total: usize = n > 0 ? (n - 1) * strLen(d) : 0;
  for (let i: usize = 0; i < n; i++) {
    const e = elemAt(c, i);
    if (!isStr(e)) return 0;
    total += strLen(e);
  }
  const out = malloc(total);
  let w = out;
  for (let i: usize = 0; i < n; i++) {
    if (i > 0) { memory.copy(w, strPtr(d), strLen(d)); w += strLen(d); }
    const e = elemAt(c, i);
    memory.copy(w, strPtr(e), strLen(e)); w += strLen(e);
  }
  return newString(out, total);
}

export function builtin_strings_reverse(s: usize): usize {
  if (!isStr(s)) return 0;
  const p = strPtr(s), n = strLen(s);
  const out = malloc(n);
  let i: usize = 0;
  while (i < n) {
    const k = runeSize(p + i, n - i);
    memory.copy(out + n - i - k, p + i, k);
    i += k;
  }
  return newString(out, n);
}

/** strings.count(s, sub): non-overlapping occurrences; an empty sub counts code points + 1 (Go). */
export function builtin_strings_count(s: usize, sub: usize): usize {
  if (!isStr(s) || !isStr(sub)) return 0;
  const p = strPtr(s), n = strLen(s), q = strPtr(sub), m = strLen(sub);
  if (m == 0) return newInt((runeCount(p, n) + 1) as i64);
  let c: i64 = 0;
  let i = find(p, n, q, m, 0);
  while (i >= 0) { c++; i = find(p, n, q, m, (i as usize) + m); }
  return newInt(c);
}
