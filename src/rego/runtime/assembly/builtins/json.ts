// json.marshal / json.unmarshal / json.is_valid, and internal.print (OPA's `print`), on the runtime's
// own JSON reader and writer.
import { T_ARRAY, T_SET, T_STRING, TRUE_V, boolV, count, elemAt, newString, strLen, strPtr, tag } from "../value";
import { heapTop, setHeapTop, malloc } from "../heap";
import { parseJSON } from "../json_parse";
import { dump, dumpLen } from "../json_dump";
import { opa_println } from "../env";
import { isStr } from "../strbytes";

/** A string value of v's JSON text (the dump's NUL is not part of it). */
function jsonString(v: usize, values: bool): usize {
  const start = dump(v, values);
  return newString(start, dumpLen);
}

export function builtin_json_marshal(v: usize): usize { return v == 0 ? 0 : jsonString(v, false); }

export function builtin_json_unmarshal(s: usize): usize {
  return isStr(s) ? parseJSON(strPtr(s), strLen(s), false) : 0;
}

export function builtin_json_is_valid(s: usize): usize {
  // OPA answers false, not undefined, for a non-string.
  if (!isStr(s)) return s == 0 ? 0 : boolV(false);
  const mark = heapTop();
  const ok = parseJSON(strPtr(s), strLen(s), false) != 0;
  setHeapTop(mark);
  return boolV(ok);
}

const UNDEF = memory.data<u8>([60, 117, 110, 100, 101, 102, 105, 110, 101, 100, 62]); // <undefined>

/** internal.print(array of sets): each argument's values (strings raw, others as Rego text), space-separated. */
export function builtin_internal_print(args: usize): usize {
  if (args == 0 || tag(args) != T_ARRAY) return 0;
  const mark = heapTop();
  const n = count(args);
  // Gather the pieces first (each dump claims arena space), then join them into one line.
  const pieces = malloc(n * 64 + 8);
  let k: usize = 0;
  let total: usize = 0;
  for (let i: usize = 0; i < n && k < n * 8; i++) {
    const set = elemAt(args, i);
    const m = set != 0 && tag(set) == T_SET ? count(set) : 0;
    if (m == 0) { store<u32>(pieces + (k << 3), UNDEF as u32); store<u32>(pieces + (k << 3), 11, 4); k++; total += 12; continue; }
    for (let j: usize = 0; j < m && k < n * 8; j++) {
      const v = elemAt(set, j);
      let p: usize, len: usize;
      if (tag(v) == T_STRING) { p = strPtr(v); len = strLen(v); }
      else { p = dump(v, true); len = dumpLen; }
      store<u32>(pieces + (k << 3), p as u32);
      store<u32>(pieces + (k << 3), len as u32, 4);
      k++;
      total += len + 1;
    }
  }
  const line = malloc(total + 1);
  let w = line;
  for (let i: usize = 0; i < k; i++) {
    if (i > 0) store<u8>(w++, 32);
    const len = load<u32>(pieces + (i << 3), 4) as usize;
    memory.copy(w, load<u32>(pieces + (i << 3)) as usize, len);
    w += len;
  }
  store<u8>(w, 0);
  opa_println(line);
  setHeapTop(mark);
  return TRUE_V;
}
