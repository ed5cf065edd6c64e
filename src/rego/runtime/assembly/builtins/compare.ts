// Comparison operators: any two values, canonical order, boolean results.
import { boolV } from "../value";
import { compare, equal } from "../compare";

export function builtin_equal(a: usize, b: usize): usize { return boolV(equal(a, b)); }
export function builtin_neq(a: usize, b: usize): usize { return boolV(!equal(a, b)); }
export function builtin_lt(a: usize, b: usize): usize { return boolV(compare(a, b) < 0); }
export function builtin_lte(a: usize, b: usize): usize { return boolV(compare(a, b) <= 0); }
export function builtin_gt(a: usize, b: usize): usize { return boolV(compare(a, b) > 0); }
export function builtin_gte(a: usize, b: usize): usize { return boolV(compare(a, b) >= 0); }
