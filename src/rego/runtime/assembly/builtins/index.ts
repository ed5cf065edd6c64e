// Native builtins, exported as builtin_<name with '.' -> '_'> (API.md section 7). Only builtin_*
// names may be re-exported here: every export becomes a Wasm export.
export {
  builtin_equal, builtin_neq, builtin_lt, builtin_lte, builtin_gt, builtin_gte,
} from "./compare";
export {
  builtin_plus, builtin_minus, builtin_mul, builtin_div, builtin_rem, builtin_abs, builtin_round,
  builtin_ceil, builtin_floor,
} from "./arith";
export { builtin_and, builtin_or, builtin_union, builtin_intersection } from "./sets";
export {
  builtin_count, builtin_sum, builtin_product, builtin_max, builtin_min, builtin_sort,
} from "./aggregates";
export {
  builtin_startswith, builtin_endswith, builtin_contains, builtin_indexof, builtin_substring,
  builtin_replace, builtin_split, builtin_concat, builtin_strings_reverse,
} from "./strings";
export {
  builtin_trim, builtin_trim_left, builtin_trim_right, builtin_trim_space, builtin_trim_prefix,
  builtin_trim_suffix,
} from "./trim";
export { builtin_lower, builtin_upper } from "./case";
export { builtin_object_get, builtin_object_keys } from "./objects";
export { builtin_array_concat, builtin_array_slice } from "./arrays";
export { builtin_internal_member_2, builtin_internal_member_3 } from "./member";
export {
  builtin_is_null, builtin_is_boolean, builtin_is_number, builtin_is_string, builtin_is_array,
  builtin_is_object, builtin_is_set, builtin_type_name, builtin_to_number,
} from "./types";
export { builtin_net_cidr_contains, builtin_net_cidr_contains_matches } from "./cidr";
export { builtin_glob_match } from "./glob";
export {
  builtin_json_marshal, builtin_json_unmarshal, builtin_json_is_valid, builtin_internal_print,
} from "./json";
export {
  builtin_base64_encode, builtin_base64_decode, builtin_base64_is_valid, builtin_base64url_encode,
  builtin_base64url_encode_no_pad, builtin_base64url_decode, builtin_hex_encode, builtin_hex_decode,
} from "./encoding";
export { builtin_object_union, builtin_object_remove, builtin_object_filter } from "./objects";
export { builtin_array_reverse } from "./arrays";
export { builtin_numbers_range } from "./range";
export { builtin_strings_count } from "./strings";
export { builtin_walk } from "./walk";
