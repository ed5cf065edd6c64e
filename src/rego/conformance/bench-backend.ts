// `node --import tsx src/rego/conformance/bench-backend.ts`: backend figures on OPA's plans —
// compile time per plan (IR -> linked Wasm bytes) and µs per SDK evaluation of a small plan.
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { performance } from 'node:perf_hooks';
import { hostBuiltins } from '../host/index.js';
import { compileIrToWasm, repoRoot } from '../wasm/index.js';
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

async function evalMicros(lc: LoadedCase, input: unknown): Promise<number> {
  if (!lc.case.plan) throw new Error('no plan');
  const policy = await loadPolicy(compileIrToWasm(lc.case.plan), undefined, hostBuiltins());
  policy.setData((lc.case.data ?? {}) as object);
  for (let i = 0; i < 5_000; i++) policy.evaluate(input);
  const t0 = performance.now();
  for (let i = 0; i < EVALS; i++) policy.evaluate(input);
  return ((performance.now() - t0) * 1000) / EVALS;
}

async function main(): Promise<void> {
  const cases = loadPlanCases(conformanceDir(repoRoot()));
  compileTimes(cases.slice(0, 50));
  const c = compileTimes(cases);
  console.log(`compile (IR -> Wasm, ${cases.length} plans): median ${c.median.toFixed(3)} ms, mean ${c.mean.toFixed(3)} ms, p99 ${c.p99.toFixed(3)} ms, max ${c.max.toFixed(3)} ms`);
  const pick = (note: string) => {
    const lc = cases.find((x) => x.case.note === note);
    if (!lc) throw new Error(`case ${note} not found`);
    return lc;
  };
  const small = pick('completedoc/bool: true');
  console.log(`evaluate "${small.case.note}" (no input): ${(await evalMicros(small, undefined)).toFixed(2)} µs/eval over ${EVALS}`);
  const withInput = cases.find((x) => x.folder === 'inputvalues' && x.case.input !== undefined && x.case.plan);
  if (withInput) {
    const us = await evalMicros(withInput, withInput.case.input);
    console.log(`evaluate "${withInput.case.note}" (its input ${JSON.stringify(withInput.case.input).length} B): ${us.toFixed(2)} µs/eval over ${EVALS}`);
  }
}

void main();
