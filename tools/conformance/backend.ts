// Runs plan cases through our backend only: IR -> Wasm -> SDK.
import { compileIrToWasm } from '../../src/rego/index.js';
import type { LoadedCase } from './cases.js';
import { WASM_EXCLUSIONS } from './exclusions.js';
import { evaluateWasm } from './sdk-eval.js';
import { judge, type Outcome } from './verdict.js';

export async function runBackendCase(lc: LoadedCase): Promise<Outcome> {
  const c = lc.case;
  const excluded = WASM_EXCLUSIONS.get(c.note);
  if (excluded !== undefined) return { status: 'skipped', detail: `OPA Wasm exclusion: ${excluded}` };
  if (c.plan === undefined) return { status: 'skipped', detail: 'no plan' };
  let wasm: Uint8Array;
  try {
    wasm = compileIrToWasm(c.plan);
  } catch (e) {
    return { status: 'failed', detail: `compile error: ${e instanceof Error ? e.message : String(e)}` };
  }
  return judge(c, await evaluateWasm(wasm, c));
}
