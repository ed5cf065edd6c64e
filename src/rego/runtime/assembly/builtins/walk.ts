// walk(x): every [path, value] pair under x in pre-order (x itself first, children in canonical
// order). Set elements are their own path keys, which JSON round trips through a host would lose.
import { T_ARRAY, T_OBJECT, T_SET, buf, count, elemAt, keyAt, valAt, newContainer, newInt, tag } from "../value";
import { arrayAppend } from "../collections";

/** Deeper documents are not walked further (the parser never builds them). */
const MAX_DEPTH: i32 = 1000;

function pair(path: usize, v: usize): usize {
  const p = newContainer(T_ARRAY, 2);
  arrayAppend(p, path);
  arrayAppend(p, v);
  return p;
}

function extend(path: usize, k: usize): usize {
  const n = count(path);
  const p = newContainer(T_ARRAY, n + 1);
  if (n > 0) memory.copy(buf(p), buf(path), n << 2);
  store<u32>(p, n as u32, 4);
  arrayAppend(p, k);
  return p;
}

function visit(out: usize, path: usize, v: usize, depth: i32): void {
  arrayAppend(out, pair(path, v));
  if (depth >= MAX_DEPTH) return;
  const t = tag(v);
  const n = t >= T_ARRAY ? count(v) : 0;
  for (let i: usize = 0; i < n; i++) {
    if (t == T_ARRAY) visit(out, extend(path, newInt(i as i64)), elemAt(v, i), depth + 1);
    else if (t == T_OBJECT) visit(out, extend(path, keyAt(v, i)), valAt(v, i), depth + 1);
    else if (t == T_SET) visit(out, extend(path, elemAt(v, i)), elemAt(v, i), depth + 1);
  }
}

export function builtin_walk(x: usize): usize {
  if (x == 0) return 0;
  const out = newContainer(T_ARRAY, 0);
  visit(out, newContainer(T_ARRAY, 0), x, 0);
  return out;
}
