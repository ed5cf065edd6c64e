// Set algebra as linear merges over the sorted element arrays.
import { T_SET, count, elemAt, newContainer, tag } from "../value";
import { arrayAppend } from "../collections";
import { compare } from "../compare";

function isSet(v: usize): bool { return v != 0 && tag(v) == T_SET; }

// Appending in ascending order keeps the result sorted without searching.
function push(s: usize, v: usize): void { arrayAppend(s, v); }

export function setUnion(a: usize, b: usize): usize {
  const r = newContainer(T_SET, count(a) + count(b));
  let i: usize = 0, j: usize = 0;
  const na = count(a), nb = count(b);
  while (i < na && j < nb) {
    const x = elemAt(a, i), y = elemAt(b, j);
    const c = compare(x, y);
    if (c <= 0) { push(r, x); i++; if (c == 0) j++; }
    else { push(r, y); j++; }
  }
  while (i < na) push(r, elemAt(a, i++));
  while (j < nb) push(r, elemAt(b, j++));
  return r;
}

export function setIntersect(a: usize, b: usize): usize {
  const r = newContainer(T_SET, 0);
  let i: usize = 0, j: usize = 0;
  const na = count(a), nb = count(b);
  while (i < na && j < nb) {
    const c = compare(elemAt(a, i), elemAt(b, j));
    if (c == 0) { push(r, elemAt(a, i)); i++; j++; }
    else if (c < 0) i++; else j++;
  }
  return r;
}

export function setDiff(a: usize, b: usize): usize {
  const r = newContainer(T_SET, 0);
  let i: usize = 0, j: usize = 0;
  const na = count(a), nb = count(b);
  while (i < na) {
    if (j >= nb) { push(r, elemAt(a, i++)); continue; }
    const c = compare(elemAt(a, i), elemAt(b, j));
    if (c == 0) { i++; j++; }
    else if (c < 0) push(r, elemAt(a, i++));
    else j++;
  }
  return r;
}

export function builtin_and(a: usize, b: usize): usize {
  return isSet(a) && isSet(b) ? setIntersect(a, b) : 0;
}

export function builtin_or(a: usize, b: usize): usize {
  return isSet(a) && isSet(b) ? setUnion(a, b) : 0;
}

/** union(set of sets) */
export function builtin_union(s: usize): usize {
  if (!isSet(s)) return 0;
  let r = newContainer(T_SET, 0);
  const n = count(s);
  for (let i: usize = 0; i < n; i++) {
    const e = elemAt(s, i);
    if (!isSet(e)) return 0;
    r = setUnion(r, e);
  }
  return r;
}

/** intersection(set of sets); the empty set of sets intersects to the empty set. */
export function builtin_intersection(s: usize): usize {
  if (!isSet(s)) return 0;
  const n = count(s);
  if (n == 0) return newContainer(T_SET, 0);
  let r = elemAt(s, 0);
  if (!isSet(r)) return 0;
  for (let i: usize = 1; i < n; i++) {
    const e = elemAt(s, i);
    if (!isSet(e)) return 0;
    r = setIntersect(r, e);
  }
  return r;
}

