// Loads a compiled module in the unmodified @open-policy-agent/opa-wasm SDK and evaluates a case.
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../../src/rego/index.js';
import type { ConformanceCase } from './cases.js';
import type { Json } from './json-order.js';
import { parseInputTerm } from './term.js';
import type { Evaluation } from './verdict.js';

function jsonBuffer(v: Json): ArrayBuffer {
  const bytes = new TextEncoder().encode(JSON.stringify(v));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** OPA's Wasm e2e harness registers test.sleep; so does ours (a bounded busy wait). */
function testBuiltins() {
  return {
    ...hostBuiltins(),
    'test.sleep': (d: unknown) => {
      const ms = typeof d === 'string' && /^\d+ms$/.test(d) ? Math.min(Number(d.slice(0, -2)), 1000) : 0;
      const until = performance.now() + ms;
      while (performance.now() < until) {
        /* spin: the evaluation is synchronous */
      }
      return null;
    },
  };
}

function errorText(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  if (e !== null && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

export function caseInput(c: ConformanceCase): Json | undefined {
  if (c.input_term !== undefined) return parseInputTerm(c.input_term);
  return c.input;
}

interface RawExports {
  readonly opa_heap_ptr_set: (addr: number) => void;
  readonly opa_malloc: (n: number) => number;
  readonly opa_value_parse: (addr: number, len: number) => number;
  readonly opa_eval_ctx_new: () => number;
  readonly opa_eval_ctx_set_input: (ctx: number, v: number) => void;
  readonly opa_eval_ctx_set_data: (ctx: number, v: number) => void;
  readonly opa_eval_ctx_set_entrypoint: (ctx: number, ep: number) => void;
  readonly opa_eval_ctx_get_result: (ctx: number) => number;
  readonly opa_json_dump: (v: number) => number;
  readonly eval: (ctx: number) => number;
}

interface RawPolicy {
  readonly wasmInstance: { readonly exports: RawExports };
  readonly mem: { readonly buffer: ArrayBuffer };
  readonly dataAddr: number;
  readonly dataHeapPtr: number;
}

/**
 * OPA's Go SDK hands an input given as a Rego term (`input_term`) to the module's
 * opa_value_parse, so sets stay sets; the JS SDK only sends JSON. This drives the module's
 * exports the way the Go SDK does. Undefined when the runtime cannot parse the text.
 */
function evaluateTermInput(policy: unknown, text: string): Json[] | undefined {
  const p = policy as RawPolicy;
  const x = p.wasmInstance.exports;
  x.opa_heap_ptr_set(p.dataHeapPtr);
  const bytes = new TextEncoder().encode(text);
  const addr = x.opa_malloc(bytes.length);
  new Uint8Array(p.mem.buffer).set(bytes, addr);
  const input = x.opa_value_parse(addr, bytes.length);
  if (input === 0) return undefined;
  const ctx = x.opa_eval_ctx_new();
  x.opa_eval_ctx_set_input(ctx, input);
  x.opa_eval_ctx_set_data(ctx, p.dataAddr);
  x.opa_eval_ctx_set_entrypoint(ctx, 0);
  x.eval(ctx);
  const out = x.opa_json_dump(x.opa_eval_ctx_get_result(ctx));
  const mem = new Uint8Array(p.mem.buffer);
  let end = out;
  while (mem[end] !== 0) end++;
  return JSON.parse(new TextDecoder().decode(mem.subarray(out, end))) as Json[];
}

/** Evaluates a case's first entrypoint. Inputs go in as raw JSON so `false`, `0` and `null` survive. */
export async function evaluateWasm(wasm: Uint8Array, c: ConformanceCase): Promise<Evaluation> {
  try {
    const policy = await loadPolicy(wasm, undefined, testBuiltins());
    policy.setData(jsonBuffer(c.data ?? {}));
    const viaTerm = c.input_term === undefined ? undefined : evaluateTermInput(policy, c.input_term);
    if (viaTerm !== undefined) return Array.isArray(viaTerm) ? { ok: true, result: viaTerm } : { ok: false, error: 'result is not an array' };
    const input = caseInput(c);
    const result = policy.evaluate(input === undefined ? undefined : jsonBuffer(input)) as unknown;
    if (!Array.isArray(result)) return { ok: false, error: `result is not an array: ${JSON.stringify(result)}` };
    return { ok: true, result: result as Json[] };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
}
