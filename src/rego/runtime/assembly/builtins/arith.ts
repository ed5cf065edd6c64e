// Arithmetic operators. Type errors and division by zero are undefined (0): OPA's Wasm target has
// no strict builtin errors.
import { T_SET, tag } from "../value";
import { isNumber, numAdd, numMul, numDiv, numRem, numAbs, numRound } from "../numbers";
import { ROUND, CEIL, FLOOR } from "../decimal_arith";
import { setDiff } from "./sets";

export function builtin_plus(a: usize, b: usize): usize {
  return isNumber(a) && isNumber(b) ? numAdd(a, b, false) : 0;
}

/** Numbers subtract; sets take the difference. */
export function builtin_minus(a: usize, b: usize): usize {
  if (isNumber(a) && isNumber(b)) return numAdd(a, b, true);
  if (a != 0 && b != 0 && tag(a) == T_SET && tag(b) == T_SET) return setDiff(a, b);
  return 0;
}

export function builtin_mul(a: usize, b: usize): usize {
  return isNumber(a) && isNumber(b) ? numMul(a, b) : 0;
}

export function builtin_div(a: usize, b: usize): usize {
  return isNumber(a) && isNumber(b) ? numDiv(a, b) : 0;
}

export function builtin_rem(a: usize, b: usize): usize {
  return isNumber(a) && isNumber(b) ? numRem(a, b) : 0;
}

export function builtin_abs(a: usize): usize { return isNumber(a) ? numAbs(a) : 0; }
export function builtin_round(a: usize): usize { return isNumber(a) ? numRound(a, ROUND) : 0; }
export function builtin_ceil(a: usize): usize { return isNumber(a) ? numRound(a, CEIL) : 0; }
export function builtin_floor(a: usize): usize { return isNumber(a) ? numRound(a, FLOOR) : 0; }
