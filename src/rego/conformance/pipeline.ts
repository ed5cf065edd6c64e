// The whole pipeline for one case: Rego source -> our compiler driver -> Wasm -> SDK.
// The driver's (src/rego/compile.ts) API is probed at run time, so the runner builds before it lands.
import type { LoadedCase } from './cases.js';
import { wasmExclusion } from './exclusions.js';
import { evaluateWasm } from './sdk-eval.js';
import { judge, type Outcome } from './verdict.js';

type Driver = (modules: { name: string; text: string }[], query: string) => Uint8Array | Promise<Uint8Array>;

function driverOf(mod: Record<string, unknown>): Driver | null {
  const fn = mod['compileQueryToWasm'];
  return typeof fn === 'function' ? (fn as Driver) : null;
}

export async function fullPipelineCase(mod: Record<string, unknown>, lc: LoadedCase): Promise<Outcome> {
  const c = lc.case;
  const excluded = wasmExclusion(c.note, lc.file);
  if (excluded !== undefined) return { status: 'skipped', detail: `OPA Wasm exclusion: ${excluded}` };
  const driver = driverOf(mod);
  if (driver === null) return { status: 'failed', detail: 'src/rego/compile.ts exports no compileQueryToWasm(modules, query)' };
  let wasm: Uint8Array;
  try {
    const modules = (c.modules ?? []).map((text, i) => ({ name: `module-${i}.rego`, text }));
    wasm = await driver(modules, c.query);
  } catch (e) {
    return { status: 'failed', detail: `compile error: ${e instanceof Error ? e.message : String(e)}` };
  }
  return judge(c, await evaluateWasm(wasm, c));
}
