// The whole pipeline for one case: Rego source -> our compiler (src/rego's front door) -> Wasm -> SDK.
import { compileQueryToWasm } from '../../src/rego/index.js';
import type { LoadedCase } from './cases.js';
import { wasmExclusion } from './exclusions.js';
import { evaluateWasm } from './sdk-eval.js';
import { judge, type Outcome } from './verdict.js';

export async function fullPipelineCase(lc: LoadedCase): Promise<Outcome> {
  const c = lc.case;
  const excluded = wasmExclusion(c.note, lc.file);
  if (excluded !== undefined) return { status: 'skipped', detail: `OPA Wasm exclusion: ${excluded}` };
  let wasm: Uint8Array;
  try {
    const modules = (c.modules ?? []).map((text, i) => ({ name: `module-${i}.rego`, text }));
    wasm = compileQueryToWasm(modules, c.query);
  } catch (e) {
    return { status: 'failed', detail: `compile error: ${e instanceof Error ? e.message : String(e)}` };
  }
  return judge(c, await evaluateWasm(wasm, c));
}
