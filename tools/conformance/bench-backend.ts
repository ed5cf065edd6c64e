// `node --import tsx tools/conformance/bench-backend.ts`: backend figures on OPA's plans —
// compile time per plan (IR -> linked Wasm bytes) and µs per SDK evaluation of a small plan.
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { performance } from 'node:perf_hooks';
import { compileIrToWasm, hostBuiltins } from '../../src/rego/index.js';
import { packageRoot } from '../../src/util/package-root.js';
import { conformanceDir, loadPlanCases, type LoadedCase } from './cases.js';

const EVALS = 100_000;

function compileTimes(cases: readonly LoadedCase[]): { median: number; p99: number; max: number; mean: number } {
  const times: number[] = [];
  for (const lc of cases) {
    if (!lc.case.plan) continue;
    const t0 = performance.now();
    compileIrToWasm(lc.case.plan);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  return { median: at(0.5), p99: at(0.99), max: at(1), mean: times.reduce((a, b) => a + b, 0) / times.length };
}

interface Loaded {
  evaluate(input: unknown): unknown;
  wasmInstance: { exports: Record<string, unknown> };
  mem: { buffer: ArrayBuffer };
  dataAddr: number;
  dataHeapPtr: number;
}

function timeLoop(fn: () => void): number {
  for (let i = 0; i < 5_000; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < EVALS; i++) fn();
  return ((performance.now() - t0) * 1000) / EVALS;
}

/** µs per SDK evaluate(), and per bare opa_eval call (our runtime + generated code, no SDK JS). */
async function evalMicros(lc: LoadedCase, input: unknown): Promise<{ sdk: number; raw: number }> {
  if (!lc.case.plan) throw new Error('no plan');
  const policy = (await loadPolicy(compileIrToWasm(lc.case.plan), undefined, hostBuiltins())) as unknown as Loaded;
  (policy as unknown as { setData(d: object): void }).setData((lc.case.data ?? {}) as object);
  const sdk = timeLoop(() => policy.evaluate(input));
  const bytes = new TextEncoder().encode(input === undefined ? '' : JSON.stringify(input));
  new Uint8Array(policy.mem.buffer).set(bytes, policy.dataHeapPtr);
  const opaEval = policy.wasmInstance.exports['opa_eval'] as (...a: number[]) => number;
  const at = policy.dataHeapPtr;
  const raw = timeLoop(() => opaEval(0, 0, policy.dataAddr, at, bytes.length, at + bytes.length, 0));
  return { sdk, raw };
}

async function main(): Promise<void> {
  const cases = loadPlanCases(conformanceDir(packageRoot()));
  compileTimes(cases.slice(0, 50));
  const c = compileTimes(cases);
  console.log(`compile (IR -> Wasm, ${cases.length} plans): median ${c.median.toFixed(3)} ms, mean ${c.mean.toFixed(3)} ms, p99 ${c.p99.toFixed(3)} ms, max ${c.max.toFixed(3)} ms`);
  const pick = (note: string) => {
    const lc = cases.find((x) => x.case.note === note) ?? cases.find((x) => x.case.plan !== undefined && x.folder === note.split('/')[0]);
    if (!lc) throw new Error(`case ${note} not found`);
    return lc;
  };
  const report = (lc: LoadedCase, t: { sdk: number; raw: number }, what: string) =>
    console.log(`evaluate "${lc.case.note}" (${what}): SDK evaluate ${t.sdk.toFixed(2)} µs, bare opa_eval ${t.raw.toFixed(2)} µs (x${EVALS})`);
  const small = pick('completedoc/bool: true');
  report(small, await evalMicros(small, undefined), 'no input');
  const withInput = pick('virtualdocs/input: set 1');
  const input = { user: 'alice', roles: ['reviewer', 'viewer'], method: 'GET', path: ['a', 'changes', '123'] };
  report(withInput, await evalMicros(withInput, input), `input of ${JSON.stringify(input).length} B`);
}

void main();
