// `npm run fuzz [-- --minutes N] [--only TARGET] [--seed S] [--no-save]`: runs every fuzz target
// (test/fuzz/targets.ts) with a fixed seed, two at a time, for a short pass by default. Fails
// (exit 1) on any crash, input over its time budget, hang, heap exhaustion or non-linear growth,
// and saves each finding under test/fuzz/regressions/<target>/ for the regression test to replay.
// It lives outside test/ because `node --test dist/test/` runs every file under a test folder: the
// suite replays the saved findings; the fuzz pass itself is its own CI step.

import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { generate } from '../../test/fuzz/mutate.js';
import { HEAP_LIMIT_MB, saveFinding, startWorker } from '../../test/fuzz/host.js';
import { TARGETS, targetNamed } from '../../test/fuzz/targets.js';
import { budgetMs, MAX_GROWTH_RATIO, type Finding, type Stats, type WorkerMessage } from '../../test/fuzz/worker.js';

/** An input that makes no progress for this long is a hang (the time budget is far lower). */
const HANG_MS = 10_000;
const GROWTH_HANG_MS = 60_000;

const { values } = parseArgs({
  options: { minutes: { type: 'string' }, only: { type: 'string' }, seed: { type: 'string' }, 'no-save': { type: 'boolean' }, jobs: { type: 'string' } },
});
const targets = values.only === undefined ? TARGETS : values.only.split(',').map(targetNamed);
const jobs = Math.max(1, Number(values.jobs ?? Math.min(2, availableParallelism())));
// The default short pass: about a minute of fuzzing across two cores, plus the growth checks.
const totalMs = values.minutes === undefined ? 60_000 : Number(values.minutes) * 60_000;
const perTargetMs = Math.max(1000, (totalMs * jobs) / targets.length);
const seed = values.seed ?? 'changegate-fuzz-1';

interface Outcome {
  readonly target: string;
  inputs: number;
  slowestMs: number;
  slowestBytes: number;
  peakHeapMb: number;
  growth: Stats['growth'];
  readonly findings: Finding[];
}

/** Runs one target until its time is up, restarting its worker after a hang or a dead heap. */
async function runTarget(name: string): Promise<Outcome> {
  const outcome: Outcome = { target: name, inputs: 0, slowestMs: 0, slowestBytes: 0, peakHeapMb: 0, growth: [], findings: [] };
  const deadline = Date.now() + perTargetMs;
  let start = 0;
  let growthDone = false;
  while (!growthDone) {
    const progress = new SharedArrayBuffer(4);
    const counter = new Int32Array(progress);
    Atomics.store(counter, 0, start);
    const worker = startWorker({ mode: 'fuzz', target: name, seed, start, deadline, progress, growth: true });
    let growing: string | undefined;
    const ended = await new Promise<'done' | 'hang' | 'memory'>((resolve) => {
      let last = -1;
      let lastChange = Date.now();
      let growthSince = 0;
      const watch = setInterval(() => {
        const now = Atomics.load(counter, 0);
        if (growing !== undefined) {
          // A growth family measures several large inputs: a longer guard, from its start.
          if (Date.now() - growthSince > GROWTH_HANG_MS) {
            clearInterval(watch);
            void worker.terminate();
            resolve('hang');
          }
        } else if (now !== last) {
          last = now;
          lastChange = Date.now();
        } else if (Date.now() - lastChange > HANG_MS) {
          clearInterval(watch);
          void worker.terminate();
          resolve('hang');
        }
      }, 250);
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'finding') outcome.findings.push(m.finding);
        else if (m.type === 'growth-start') {
          growing = m.name;
          growthSince = Date.now();
        } else if (m.type === 'done') {
          clearInterval(watch);
          outcome.inputs += m.stats.inputs;
          if (m.stats.slowestMs > outcome.slowestMs) {
            outcome.slowestMs = m.stats.slowestMs;
            outcome.slowestBytes = m.stats.slowestBytes;
          }
          outcome.peakHeapMb = Math.max(outcome.peakHeapMb, m.stats.peakHeapMb);
          outcome.growth = m.stats.growth;
          void worker.terminate();
          resolve('done');
        }
      });
      worker.on('error', () => {
        clearInterval(watch);
        resolve('memory');
      });
    });
    if (ended === 'done') {
      growthDone = true;
      continue;
    }
    const at = Atomics.load(counter, 0);
    const t = targetNamed(name);
    const seeds = t.seeds();
    const input = growing !== undefined ? t.growth.find((g) => g.name === growing)!.make(t.growth.find((g) => g.name === growing)!.n * 4) : at < seeds.length ? { data: seeds[at]!, chunk: 0 } : generate(seed, name, at, seeds, t.mutators);
    const why = ended === 'hang' ? `no progress for ${(growing === undefined ? HANG_MS : GROWTH_HANG_MS) / 1000} s` : `the worker died (heap limit ${HEAP_LIMIT_MB} MB)`;
    outcome.findings.push({ target: name, kind: ended, message: growing !== undefined ? `${growing}: ${why}` : `input ${at}: ${why}`, chunk: input.chunk, base64: input.data.toString('base64') });
    outcome.inputs += Math.max(0, at - start + 1);
    outcome.slowestMs = Math.max(outcome.slowestMs, growing === undefined ? HANG_MS : GROWTH_HANG_MS);
    outcome.slowestBytes = input.data.length;
    if (growing !== undefined) growthDone = true;
    start = at + 1;
  }
  return outcome;
}

async function main(): Promise<number> {
  console.log(`fuzz: ${targets.length} target(s), ${(perTargetMs / 1000).toFixed(0)} s each, ${jobs} at a time, seed ${seed}; budget ${budgetMs(0)} ms per input up to 64 KiB, heap ${HEAP_LIMIT_MB} MB, growth ratio <= ${MAX_GROWTH_RATIO}`);
  const queue = targets.map((t) => t.name);
  const outcomes: Outcome[] = [];
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        const o = await runTarget(name);
        outcomes.push(o);
        console.log(`  ${o.target}: ${o.inputs} inputs, ${o.findings.length} finding(s)`);
      }
    }),
  );
  outcomes.sort((a, b) => targets.findIndex((t) => t.name === a.target) - targets.findIndex((t) => t.name === b.target));
  console.log('\nparser            inputs   slowest input        peak heap   growth n->4n (worst)   findings');
  for (const o of outcomes) {
    const worst = [...o.growth].sort((a, b) => b.ratio - a.ratio)[0];
    const growth = worst === undefined ? '-' : `x${worst.ratio.toFixed(1)} ${worst.name}`;
    console.log(`${o.target.padEnd(16)} ${String(o.inputs).padStart(7)}   ${`${o.slowestMs.toFixed(1)} ms (${o.slowestBytes} B)`.padEnd(20)} ${`${o.peakHeapMb.toFixed(1)} MB`.padStart(9)}   ${growth.padEnd(22)} ${o.findings.length}`);
  }
  const findings = outcomes.flatMap((o) => o.findings);
  for (const f of findings) {
    const where = values['no-save'] === true ? '' : ` -> ${saveFinding(f)}`;
    console.log(`FINDING ${f.target} ${f.kind}: ${f.message}${where}`);
  }
  console.log(findings.length === 0 ? '\nfuzz: no findings' : `\nfuzz: ${findings.length} finding(s)`);
  return findings.length === 0 ? 0 : 1;
}

process.exitCode = await main();
