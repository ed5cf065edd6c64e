// The runtime's exports: OPA's ABI 1.2 functions plus the value API the generated policy code calls.
// API.md is the contract; every name here appears there.
import { opa_println, opa_builtin0, opa_builtin1, opa_builtin2, opa_builtin3, opa_builtin4, fail } from "./env";
import { malloc, heapTop, setHeapTop } from "./heap";
import {
  NULL_V, T_ARRAY, T_OBJECT, T_SET, T_STRING, boolV, newInt, newString, newContainer, count, tag,
  elemAt, keyAt, valAt, strLen, strPtr, isCollection,
} from "./value";
import {
  arrayAppend, objectInsert, objectInsertOnce, setAdd, valueGet, merge, shallowCopy, withPath, search,
  arrayIndex,
} from "./collections";
import { compare, equal } from "./compare";
import { parseJSON } from "./json_parse";
import { dump } from "./json_dump";
import { ctxNew, evalFast } from "./eval";
import { numberFromText } from "./numbers";
import { S_CONFLICT } from "./text";

export { opa_heap_ptr } from "./heap";
export * from "./builtins/index";

export const opa_wasm_abi_version: i32 = 1;
export const opa_wasm_abi_minor_version: i32 = 2;
/**
 * First byte after the runtime's own data segments, for the linker. AS can only compute __data_end
 * in a start function, so this placeholder is patched in the binary by scripts/build-runtime.mjs.
 */
export const opa_runtime_data_end: i32 = 0x7fffffff;

// Allocation
export function opa_malloc(size: usize): usize { return malloc(size); }
export function opa_free(addr: usize): void {}
export function opa_heap_ptr_get(): usize { return heapTop(); }
export function opa_heap_ptr_set(addr: usize): void { setHeapTop(addr); }

// JSON and value text
export function opa_json_parse(addr: usize, len: usize): usize { return parseJSON(addr, len, false); }
export function opa_value_parse(addr: usize, len: usize): usize { return parseJSON(addr, len, true); }
/** A string value's text parsed as Rego value text (host builtins that must return sets); 0 if not. */
export function opa_value_parse_string(v: usize): usize { return v != 0 && tag(v) == T_STRING ? parseJSON(strPtr(v), strLen(v), true) : 0; }
export function opa_json_dump(v: usize): usize { return dump(v, false); }
export function opa_value_dump(v: usize): usize { return dump(v, true); }

// Evaluation context
export function opa_eval_ctx_new(): usize { return ctxNew(); }
export function opa_eval_ctx_set_input(ctx: usize, v: usize): void { store<u32>(ctx, v as u32); }
export function opa_eval_ctx_set_data(ctx: usize, v: usize): void { store<u32>(ctx, v as u32, 4); }
export function opa_eval_ctx_set_entrypoint(ctx: usize, id: i32): void { store<i32>(ctx, id, 12); }
export function opa_eval_ctx_get_result(ctx: usize): usize { return load<u32>(ctx, 8) as usize; }
export function opa_eval(reserved: i32, entrypoint: i32, data: usize, input: usize, inputLen: usize, heap: usize, format: i32): usize {
  return evalFast(entrypoint, data, input, inputLen, heap, format);
}

// Constructors
export function opa_null(): usize { return NULL_V; }
export function opa_boolean(b: i32): usize { return boolV(b != 0); }
export function opa_number_int(i: i64): usize { return newInt(i); }
export function opa_number_ref(addr: usize, len: usize): usize { return numberFromText(addr, len); }
export function opa_string(addr: usize, len: usize): usize { return newString(addr, len); }
export function opa_array(): usize { return newContainer(T_ARRAY, 0); }
export function opa_array_with_cap(n: usize): usize { return newContainer(T_ARRAY, n); }
export function opa_object(): usize { return newContainer(T_OBJECT, 0); }
export function opa_set(): usize { return newContainer(T_SET, 0); }

// Mutation
export function opa_array_append(a: usize, v: usize): void { arrayAppend(a, v); }
export function opa_object_insert(o: usize, k: usize, v: usize): void { objectInsert(o, k, v); }
export function opa_object_insert_once(o: usize, k: usize, v: usize): void {
  if (!objectInsertOnce(o, k, v)) fail(S_CONFLICT);
}
export function opa_set_add(s: usize, v: usize): void { setAdd(s, v); }
export function opa_value_merge(a: usize, b: usize): usize { return merge(a, b); }
export function opa_value_shallow_copy(v: usize): usize { return v == 0 ? 0 : shallowCopy(v); }
export function opa_value_with(root: usize, path: usize, v: usize): usize { return withPath(root, path, v); }

// Access
export function opa_value_type(v: usize): i32 { return v == 0 ? 0 : tag(v) as i32; }
export function opa_value_get(v: usize, k: usize): usize { return valueGet(v, k); }
export function opa_value_length(v: usize): usize {
  if (v == 0) return 0;
  if (isCollection(v)) return count(v);
  return tag(v) == T_STRING ? strLen(v) : 0;
}
export function opa_value_compare(a: usize, b: usize): i32 { return compare(a, b); }
export function opa_value_equal(a: usize, b: usize): i32 { return equal(a, b) ? 1 : 0; }

export function opa_scan_len(v: usize): usize { return v != 0 && isCollection(v) ? count(v) : 0; }
export function opa_scan_key(v: usize, i: usize): usize {
  const t = tag(v);
  if (t == T_ARRAY) return newInt(i as i64);
  return t == T_OBJECT ? keyAt(v, i) : elemAt(v, i);
}
export function opa_scan_value(v: usize, i: usize): usize {
  return tag(v) == T_OBJECT ? valAt(v, i) : elemAt(v, i);
}

/** OPA C runtime iteration: the key after `prev` (0 = first), or 0 at the end. */
export function opa_value_iter(v: usize, prev: usize): usize {
  if (v == 0 || !isCollection(v)) return 0;
  const n = count(v);
  let next: usize = 0;
  if (prev != 0) {
    if (tag(v) == T_ARRAY) {
      const i = arrayIndex(v, prev);
      if (i < 0) return 0;
      next = (i as usize) + 1;
    } else {
      const i = search(v, prev);
      if (i < 0) return 0;
      next = (i as usize) + 1;
    }
  }
  if (next >= n) return 0;
  return opa_scan_key(v, next);
}

// Host builtin trampolines: they keep env.opa_builtin0..4 imported (and at fixed indices) even though
// the runtime itself never calls a host builtin; the linker's generated code may call either.
export function opa_host_builtin0(id: i32, ctx: usize): usize { return opa_builtin0(id, ctx); }
export function opa_host_builtin1(id: i32, ctx: usize, a: usize): usize { return opa_builtin1(id, ctx, a); }
export function opa_host_builtin2(id: i32, ctx: usize, a: usize, b: usize): usize { return opa_builtin2(id, ctx, a, b); }
export function opa_host_builtin3(id: i32, ctx: usize, a: usize, b: usize, c: usize): usize { return opa_builtin3(id, ctx, a, b, c); }
export function opa_host_builtin4(id: i32, ctx: usize, a: usize, b: usize, c: usize, d: usize): usize { return opa_builtin4(id, ctx, a, b, c, d); }

/** Debug aid: prints a value's JSON through env.opa_println. */
export function opa_value_println(v: usize): void {
  const mark = heapTop();
  opa_println(dump(v, true));
  setHeapTop(mark);
}
