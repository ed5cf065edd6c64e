// Loads a compiled module in the unmodified @open-policy-agent/opa-wasm SDK and evaluates a case.
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../host/index.js';
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

/** Evaluates a case's first entrypoint. Inputs go in as raw JSON so `false`, `0` and `null` survive. */
export async function evaluateWasm(wasm: Uint8Array, c: ConformanceCase): Promise<Evaluation> {
  try {
    const policy = await loadPolicy(wasm, undefined, testBuiltins());
    policy.setData(jsonBuffer(c.data ?? {}));
    const input = caseInput(c);
    const result = policy.evaluate(input === undefined ? undefined : jsonBuffer(input)) as unknown;
    if (!Array.isArray(result)) return { ok: false, error: `result is not an array: ${JSON.stringify(result)}` };
    return { ok: true, result: result as Json[] };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
}
