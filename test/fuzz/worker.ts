// One fuzz target, run in a worker thread so the runner can stop it when an input hangs it or
// exhausts its heap. Modes: `fuzz` (generated inputs until a deadline, then the growth check) and
// `replay` (one saved input, for the regression test).

import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { chunksOf, generate, type FuzzInput } from './mutate.js';
import { targetNamed, type Target } from './targets.js';

export type FindingKind = 'crash' | 'time' | 'hang' | 'memory' | 'growth';

export interface Finding {
  readonly target: string;
  readonly kind: FindingKind;
  readonly message: string;
  readonly chunk: number;
  readonly base64: string;
}

export interface GrowthResult {
  readonly name: string;
  readonly n: number;
  readonly ms: number;
  readonly ms4: number;
  readonly ratio: number;
}

export interface Stats {
  readonly inputs: number;
  readonly slowestMs: number;
  readonly slowestBytes: number;
  readonly peakHeapMb: number;
  readonly growth: readonly GrowthResult[];
}

export type WorkerData =
  | { readonly mode: 'fuzz'; readonly target: string; readonly seed: string; readonly start: number; readonly deadline: number; readonly progress: SharedArrayBuffer; readonly growth: boolean }
  | { readonly mode: 'replay'; readonly target: string; readonly chunk: number; readonly base64: string };

export type WorkerMessage =
  | { readonly type: 'finding'; readonly finding: Finding }
  | { readonly type: 'growth-start'; readonly name: string }
  | { readonly type: 'done'; readonly stats: Stats }
  | { readonly type: 'replayed'; readonly error?: string };

/**
 * 50 ms for inputs up to 64 KiB (or the target's own figure), proportionally more above, plus
 * 2 µs per chunk for the streaming parsers (a call per chunk is linear too, but costs more than
 * a byte).
 */
export const budgetMs = (bytes: number, per64KiB = 50, chunks = 1): number => per64KiB * Math.max(1, bytes / (64 * 1024)) + 0.002 * chunks;

/**
 * How much slower this machine is right now than the one the budgets were set on: a fixed task
 * (parse 85 KB of JSON, hash it) that takes about 1 ms there, timed as the fastest of three.
 * Budgets are scaled by it when an input overruns, so a busy CI box does not report noise.
 */
const REFERENCE = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `n${i}`, tags: ['a', 'b'] })));
const REFERENCE_MS = 1;
function loadFactor(): number {
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    const v = JSON.parse(REFERENCE) as unknown[];
    let h = v.length;
    for (let i = 0; i < REFERENCE.length; i++) h = (h * 31 + REFERENCE.charCodeAt(i)) | 0;
    best = Math.min(best, performance.now() - t0 + (h === 0.5 ? 1 : 0));
  }
  return Math.max(1, best / REFERENCE_MS);
}
/** cost(4n) / cost(n), and then cost(16n) / cost(4n), above this is not linear (nor n log n): it is flagged. */
export const MAX_GROWTH_RATIO = 10;

const post = (m: WorkerMessage): void => parentPort?.postMessage(m);

async function timed(target: Target, input: FuzzInput): Promise<{ ms: number; error?: unknown }> {
  const t0 = performance.now();
  try {
    await target.run(input);
    return { ms: performance.now() - t0 };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}

/** The fastest of three runs: the machine's noise only ever adds time. */
async function fastest(target: Target, input: FuzzInput, runs = 3): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) best = Math.min(best, (await timed(target, input)).ms);
  return best;
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.slice(0, 300)} @ ${(e.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim()).join(' < ')}`;
  return String(e);
}

async function fuzz(data: Extract<WorkerData, { mode: 'fuzz' }>): Promise<void> {
  const target = targetNamed(data.target);
  const seeds = target.seeds();
  const progress = new Int32Array(data.progress);
  const seen = new Set<string>();
  const report = (kind: FindingKind, message: string, input: FuzzInput): void => {
    const signature = `${kind}:${message.split(' @ ')[0]?.replace(/\d+/g, 'N')}`;
    if (seen.has(signature)) return;
    seen.add(signature);
    post({ type: 'finding', finding: { target: target.name, kind, message, chunk: input.chunk, base64: input.data.toString('base64') } });
  };
  const budget = (input: FuzzInput): number => budgetMs(input.data.length, target.msPer64KiB, chunksOf(input).length);
  const baseline = v8.getHeapStatistics().used_heap_size;
  let peak = baseline;
  let inputs = 0;
  let slowestMs = 0;
  let slowestBytes = 0;
  // Seeds first, as they are, then generated inputs.
  for (let i = data.start; Date.now() < data.deadline; i++) {
    Atomics.store(progress, 0, i);
    const input: FuzzInput = i < seeds.length ? { data: seeds[i]!, chunk: 0 } : generate(data.seed, target.name, i, seeds, target.mutators);
    const result = await timed(target, input);
    inputs++;
    let ms = result.ms;
    if (result.error !== undefined) report('crash', describe(result.error), input);
    else if (ms > budget(input)) {
      ms = Math.min(ms, await fastest(target, input));
      const scaled = budget(input) * loadFactor();
      if (ms > scaled) report('time', `${ms.toFixed(1)} ms for ${input.data.length} bytes in chunks of ${input.chunk || 'all'} (budget ${scaled.toFixed(0)} ms)`, input);
    }
    if (ms > slowestMs) {
      slowestMs = ms;
      slowestBytes = input.data.length;
    }
    peak = Math.max(peak, v8.getHeapStatistics().used_heap_size);
  }
  const growth: GrowthResult[] = [];
  if (data.growth) {
    for (const family of target.growth) {
      post({ type: 'growth-start', name: family.name });
      const small = family.make(family.n);
      const large = family.make(family.n * 4);
      await timed(target, small); // warm up the JIT before measuring
      // Interleaved, fastest of each: a busy machine stalls single runs, not all of them.
      let ms = Number.POSITIVE_INFINITY;
      let ms4 = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 5 && (i < 3 || ms4 / Math.max(ms, 0.05) > MAX_GROWTH_RATIO); i++) {
        ms = Math.min(ms, await fastest(target, small, 1));
        ms4 = Math.min(ms4, await fastest(target, large, 1));
      }
      let ratio = ms4 / Math.max(ms, 0.05);
      if (ms4 > 20 && ratio > MAX_GROWTH_RATIO) {
        // One step can cross a regime (caches, a GC generation); non-linear cost grows at the
        // next step too, so it is only called when 16n is again far above 4n.
        const ms16 = await fastest(target, family.make(family.n * 16), 2);
        ratio = Math.min(ratio, ms16 / Math.max(ms4, 0.05));
      }
      growth.push({ name: family.name, n: family.n, ms, ms4, ratio });
      peak = Math.max(peak, v8.getHeapStatistics().used_heap_size);
      // Below a few milliseconds the ratio is noise.
      if (ms4 > 20 && ratio > MAX_GROWTH_RATIO) report('growth', `${family.name}: ${ms.toFixed(1)} ms at n=${family.n}, ${ms4.toFixed(1)} ms at 4n (x${ratio.toFixed(1)})`, large);
      if (ms4 > budget(large) * 4 * loadFactor()) report('time', `${family.name}: ${ms4.toFixed(1)} ms for ${large.data.length} bytes`, large);
    }
  }
  post({ type: 'done', stats: { inputs, slowestMs, slowestBytes, peakHeapMb: (peak - baseline) / 1048576, growth } });
}

async function replay(data: Extract<WorkerData, { mode: 'replay' }>): Promise<void> {
  const result = await timed(targetNamed(data.target), { data: Buffer.from(data.base64, 'base64'), chunk: data.chunk });
  post(result.error === undefined ? { type: 'replayed' } : { type: 'replayed', error: describe(result.error) });
}

const data = workerData as WorkerData | undefined;
if (data?.mode === 'fuzz') await fuzz(data);
else if (data?.mode === 'replay') await replay(data);
