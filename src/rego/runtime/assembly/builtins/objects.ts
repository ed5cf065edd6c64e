// Object builtins: object.get, object.keys, object.union, object.remove, object.filter.
import { T_ARRAY, T_OBJECT, T_SET, count, elemAt, keyAt, valAt, newContainer, tag } from "../value";
import { arrayAppend, objectInsert, objectGet, valueGet } from "../collections";
import { equal } from "../compare";

/** object.get(obj, key, default): an array key is a path (an empty path yields obj itself). */
export function builtin_object_get(o: usize, k: usize, dflt: usize): usize {
  if (o == 0 || tag(o) != T_OBJECT || k == 0) return 0;
  if (tag(k) != T_ARRAY) {
    const v = valueGet(o, k);
    return v != 0 ? v : dflt;
  }
  let cur = o;
  const n = count(k);
  for (let i: usize = 0; i < n; i++) {
    cur = valueGet(cur, elemAt(k, i));
    if (cur == 0) return dflt;
  }
  return cur;
}

export function builtin_object_keys(o: usize): usize {
  if (o == 0 || tag(o) != T_OBJECT) return 0;
  const n = count(o);
  const s = newContainer(T_SET, n);
  // Object keys are already sorted and unique: appending keeps the set invariant.
  for (let i: usize = 0; i < n; i++) arrayAppend(s, keyAt(o, i));
  return s;
}

function isObj(v: usize): bool { return v != 0 && tag(v) == T_OBJECT; }

/** Recursive union where b wins on conflicts (OPA's object.union). */
function union(a: usize, b: usize): usize {
  const r = newContainer(T_OBJECT, count(a) + count(b));
  const na = count(a);
  for (let i: usize = 0; i < na; i++) objectInsert(r, keyAt(a, i), valAt(a, i));
  const nb = count(b);
  for (let i: usize = 0; i < nb; i++) {
    const k = keyAt(b, i), bv = valAt(b, i);
    const av = objectGet(a, k);
    objectInsert(r, k, av != 0 && isObj(av) && isObj(bv) ? union(av, bv) : bv);
  }
  return r;
}

export function builtin_object_union(a: usize, b: usize): usize {
  return isObj(a) && isObj(b) ? union(a, b) : 0;
}

/** Whether k is among `keys` (an array, set, or an object's keys). */
function listed(keys: usize, k: usize): bool {
  const t = tag(keys);
  if (t == T_SET) return valueGet(keys, k) != 0;
  if (t == T_OBJECT) return objectGet(keys, k) != 0;
  const n = count(keys);
  for (let i: usize = 0; i < n; i++) if (equal(elemAt(keys, i), k)) return true;
  return false;
}

function keep(o: usize, keys: usize, wanted: bool): usize {
  if (!isObj(o) || keys == 0) return 0;
  const t = tag(keys);
  if (t != T_ARRAY && t != T_SET && t != T_OBJECT) return 0;
  const r = newContainer(T_OBJECT, 0);
  const n = count(o);
  for (let i: usize = 0; i < n; i++) {
    const k = keyAt(o, i);
    // Keys come out of o in order, so each insert is an append.
    if (listed(keys, k) == wanted) objectInsert(r, k, valAt(o, i));
  }
  return r;
}

export function builtin_object_remove(o: usize, keys: usize): usize { return keep(o, keys, false); }
export function builtin_object_filter(o: usize, keys: usize): usize { return keep(o, keys, true); }
