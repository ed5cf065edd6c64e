// Evaluation context and the ABI 1.2 `opa_eval` fast path. The generated `eval` is reached through
// table slot 0, which the linker fills (see API.md section 1).
import { malloc, setHeapTop } from "./heap";
import { fail } from "./env";
import { S_BADINPUT } from "./text";
import { T_SET, newContainer } from "./value";
import { parseJSON } from "./json_parse";
import { dump } from "./json_dump";

export const EVAL_SLOT: u32 = 0;

export function ctxNew(): usize {
  const ctx = malloc(16);
  store<u32>(ctx, 0);
  store<u32>(ctx, 0, 4);
  store<u32>(ctx, newContainer(T_SET, 0) as u32, 8);
  store<u32>(ctx, 0, 12);
  return ctx;
}

export function evalFast(entrypoint: i32, data: usize, input: usize, inputLen: usize, heap: usize, format: i32): usize {
  setHeapTop(heap);
  let inputValue: usize = 0;
  if (inputLen > 0) {
    inputValue = parseJSON(input, inputLen, false);
    if (inputValue == 0) fail(S_BADINPUT);
  }
  const ctx = ctxNew();
  store<u32>(ctx, inputValue as u32);
  store<u32>(ctx, data as u32, 4);
  store<u32>(ctx, entrypoint, 12);
  call_indirect<i32>(EVAL_SLOT, ctx);
  return dump(load<u32>(ctx, 8) as usize, format == 1);
}
