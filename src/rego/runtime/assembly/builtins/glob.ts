// glob.match with gobwas/glob syntax as OPA uses it: `*` (no delimiters), `**` (anything), `?`,
// `[abc]`, `[a-z]`, `[!...]`, `{a,b}` and `\` escapes. Alternatives are expanded first; each
// expansion is matched by backtracking with a failure memo, so hostile input stays polynomial.
import { malloc, heapTop, setHeapTop } from "../heap";
import { T_ARRAY, T_NULL, boolV, count, elemAt, strLen, strPtr, tag } from "../value";
import { decodeRune, runeSize } from "../utf8";
import { isStr } from "../strbytes";

const MAX_DELIMS: i32 = 32;
const MAX_EXPANSIONS: i32 = 4096;
/** Largest failure memo (pattern x subject cells) one match may use; beyond it the result is undefined. */
const MAX_MEMO: usize = 4 << 20;
let tooBig = false;
const delims = memory.data(MAX_DELIMS * 4, 4);
let ndelims: i32 = 0;

// The subject being matched and the current expanded pattern.
let sp: usize = 0;
let sn: usize = 0;
let pp: usize = 0;
let pn: usize = 0;
let memo: usize = 0;

function isDelim(cp: u32): bool {
  for (let i = 0; i < ndelims; i++) if (load<u32>(delims + ((i as usize) << 2)) == cp) return true;
  return false;
}

/** Matches one class `[...]` starting at pattern offset pi (on '['); returns its end or 0 if no match. */
function matchClass(pi: usize, cp: u32): usize {
  let i = pi + 1;
  let negate = false;
  if (i < pn && load<u8>(pp + i) == 33) { negate = true; i++; }
  let hit = false;
  let first = true;
  while (i < pn && (first || load<u8>(pp + i) != 93)) {
    first = false;
    let lo = decodeRune(pp + i, pn - i);
    i += runeSize(pp + i, pn - i);
    let hi = lo;
    if (i + 1 < pn && load<u8>(pp + i) == 45 && load<u8>(pp + i + 1) != 93) {
      i++;
      hi = decodeRune(pp + i, pn - i);
      i += runeSize(pp + i, pn - i);
    }
    if (cp >= lo && cp <= hi) hit = true;
  }
  if (i >= pn) return 0; // unterminated class never matches
  return hit != negate ? i + 1 : 0;
}

function memoIndex(pi: usize, si: usize): usize { return pi * (sn + 1) + si; }

function match(pi: usize, si: usize): bool {
  while (pi < pn) {
    const c = load<u8>(pp + pi);
    if (c == 42) {
      const idx = memoIndex(pi, si);
      if (load<u8>(memo + idx) != 0) return false;
      const superStar = pi + 1 < pn && load<u8>(pp + pi + 1) == 42;
      let next = pi + 1;
      while (next < pn && load<u8>(pp + next) == 42) next++;
      let k = si;
      while (true) {
        if (match(next, k)) return true;
        if (k >= sn) break;
        if (!superStar && isDelim(decodeRune(sp + k, sn - k))) break;
        k += runeSize(sp + k, sn - k);
      }
      store<u8>(memo + idx, 1);
      return false;
    }
    if (si >= sn) return false;
    const cp = decodeRune(sp + si, sn - si);
    const size = runeSize(sp + si, sn - si);
    if (c == 63) {
      if (isDelim(cp)) return false;
      pi++;
    } else if (c == 91) {
      const e = matchClass(pi, cp);
      if (e == 0) return false;
      pi = e;
    } else {
      if (c == 92 && pi + 1 < pn) pi++;
      const pc = decodeRune(pp + pi, pn - pi);
      if (pc != cp) return false;
      pi += runeSize(pp + pi, pn - pi);
    }
    si += size;
  }
  return si == sn;
}

function matchExpanded(p: usize, n: usize): bool {
  pp = p; pn = n;
  const cells = (n + 1) * (sn + 1);
  if (cells > MAX_MEMO) { tooBig = true; return false; }
  // The memo is scratch: give it back so thousands of expansions don't pile up in the arena.
  const mark = heapTop();
  memo = malloc(cells);
  memory.fill(memo, 0, cells);
  const ok = match(0, 0);
  setHeapTop(mark);
  return ok;
}

let expansions: i32 = 0;

/** Expands the first top-level {a,b} group and recurses; matches each brace-free pattern. */
function expandAndMatch(p: usize, n: usize): bool {
  if (tooBig) return false;
  if (++expansions > MAX_EXPANSIONS) { tooBig = true; return false; }
  let open: isize = -1;
  let i: usize = 0;
  while (i < n) {
    const c = load<u8>(p + i);
    if (c == 92) { i += 2; continue; }
    if (c == 123) { open = i as isize; break; }
    i++;
  }
  if (open < 0) return matchExpanded(p, n);
  // Find the matching '}' and the top-level commas.
  let depth = 0;
  let close: isize = -1;
  for (let j = open as usize; j < n; j++) {
    const c = load<u8>(p + j);
    if (c == 92) { j++; continue; }
    if (c == 123) depth++;
    else if (c == 125) { depth--; if (depth == 0) { close = j as isize; break; } }
  }
  if (close < 0) return false;
  const o = open as usize, cl = close as usize;
  let start = o + 1;
  depth = 0;
  for (let j = o + 1; j <= cl; j++) {
    const c = load<u8>(p + j);
    if (c == 92 && j < cl) { j++; continue; }
    if (c == 123) { depth++; continue; }
    if (c == 125 && j < cl) { depth--; continue; }
    if ((c == 44 && depth == 0) || j == cl) {
      const alt = j - start;
      const total = o + alt + (n - cl - 1);
      const q = malloc(total);
      memory.copy(q, p, o);
      memory.copy(q + o, p + start, alt);
      memory.copy(q + o + alt, p + cl + 1, n - cl - 1);
      if (expandAndMatch(q, total)) return true;
      start = j + 1;
    }
  }
  return false;
}

/** glob.match(pattern, delimiters, subject): delimiters null = none, [] = ["."]. */
export function builtin_glob_match(pattern: usize, ds: usize, subject: usize): usize {
  if (!isStr(pattern) || !isStr(subject) || ds == 0) return 0;
  const t = tag(ds);
  ndelims = 0;
  if (t == T_ARRAY) {
    const n = count(ds);
    if (n as i32 > MAX_DELIMS) return 0;
    for (let i: usize = 0; i < n; i++) {
      const d = elemAt(ds, i);
      if (!isStr(d) || strLen(d) == 0) return 0;
      store<u32>(delims + (i << 2), decodeRune(strPtr(d), strLen(d)));
    }
    ndelims = n as i32;
    if (n == 0) { store<u32>(delims, 46); ndelims = 1; }
  } else if (t != T_NULL) return 0;
  sp = strPtr(subject);
  sn = strLen(subject);
  expansions = 0;
  tooBig = false;
  const ok = expandAndMatch(strPtr(pattern), strLen(pattern));
  return ok ? boolV(true) : tooBig ? 0 : boolV(false);
}
