// Type predicates, type_name and to_number.
import {
  T_NULL, T_BOOLEAN, T_NUMBER, T_STRING, T_ARRAY, T_OBJECT, T_SET, boolV, tag, newInt, newString,
  strLen, strPtr, boolValue,
} from "../value";
import { numberFromText } from "../numbers";
import {
  S_NULL, S_NULL_LEN, S_T_BOOLEAN, S_T_BOOLEAN_LEN, S_T_NUMBER, S_T_NUMBER_LEN, S_T_STRING,
  S_T_STRING_LEN, S_T_ARRAY, S_T_ARRAY_LEN, S_T_OBJECT, S_T_OBJECT_LEN, S_T_SET, S_T_SET_LEN,
} from "../text";

function is(v: usize, t: u8): usize { return v == 0 ? 0 : boolV(tag(v) == t); }

export function builtin_is_null(v: usize): usize { return is(v, T_NULL); }
export function builtin_is_boolean(v: usize): usize { return is(v, T_BOOLEAN); }
export function builtin_is_number(v: usize): usize { return is(v, T_NUMBER); }
export function builtin_is_string(v: usize): usize { return is(v, T_STRING); }
export function builtin_is_array(v: usize): usize { return is(v, T_ARRAY); }
export function builtin_is_object(v: usize): usize { return is(v, T_OBJECT); }
export function builtin_is_set(v: usize): usize { return is(v, T_SET); }

export function builtin_type_name(v: usize): usize {
  if (v == 0) return 0;
  switch (tag(v)) {
    case T_NULL: return newString(S_NULL, S_NULL_LEN);
    case T_BOOLEAN: return newString(S_T_BOOLEAN, S_T_BOOLEAN_LEN);
    case T_NUMBER: return newString(S_T_NUMBER, S_T_NUMBER_LEN);
    case T_STRING: return newString(S_T_STRING, S_T_STRING_LEN);
    case T_ARRAY: return newString(S_T_ARRAY, S_T_ARRAY_LEN);
    case T_OBJECT: return newString(S_T_OBJECT, S_T_OBJECT_LEN);
    case T_SET: return newString(S_T_SET, S_T_SET_LEN);
  }
  return 0;
}

export function builtin_to_number(v: usize): usize {
  if (v == 0) return 0;
  switch (tag(v)) {
    case T_NULL: return newInt(0);
    case T_BOOLEAN: return newInt(boolValue(v) ? 1 : 0);
    case T_NUMBER: return v;
    case T_STRING: return numberFromText(strPtr(v), strLen(v));
  }
  return 0;
}
