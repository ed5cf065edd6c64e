// Membership: `x in coll` and `k, v in coll`, which the parser desugars to internal.member_2/_3.
import { T_ARRAY, T_OBJECT, T_SET, TRUE_V, FALSE_V, boolV, count, elemAt, valAt, tag } from "../value";
import { valueGet } from "../collections";
import { equal } from "../compare";

/** `x in coll`: array elements, object values, set elements. */
export function builtin_internal_member_2(x: usize, c: usize): usize {
  if (x == 0 || c == 0) return 0;
  const t = tag(c);
  if (t == T_SET) return boolV(valueGet(c, x) != 0);
  if (t == T_ARRAY) {
    const n = count(c);
    for (let i: usize = 0; i < n; i++) if (equal(elemAt(c, i), x)) return TRUE_V;
    return FALSE_V;
  }
  if (t == T_OBJECT) {
    const n = count(c);
    for (let i: usize = 0; i < n; i++) if (equal(valAt(c, i), x)) return TRUE_V;
    return FALSE_V;
  }
  return FALSE_V;
}

/** `k, v in coll`: coll[k] == v. */
export function builtin_internal_member_3(k: usize, v: usize, c: usize): usize {
  if (k == 0 || v == 0 || c == 0) return 0;
  const t = tag(c);
  if (t != T_ARRAY && t != T_OBJECT && t != T_SET) return FALSE_V;
  return boolV(equal(valueGet(c, k), v));
}
