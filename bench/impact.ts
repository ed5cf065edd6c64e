// Change tracking alone (BENCH_ONLY=impact): classifying 10,000 asset definitions on each side
// (branch against production, reasons plus downstream reach), pure CPU, no servers. The graphs
// are the 10k test's (test/upstreams/dagster/impact/generate.ts). Figure: median of rounds, ms.

import { classifyImpact } from '../src/upstreams/dagster/impact/classify.js';
import { generateGraphs } from '../test/upstreams/dagster/impact/generate.js';

export interface ImpactFigures {
  readonly assetsPerSide: number;
  readonly changed: number;
  readonly downstream: number;
  readonly medianMs: number;
  readonly maxMs: number;
}

export function measureImpact(assetsPerSide = 10_000, rounds = 15): ImpactFigures {
  const { production, branch } = generateGraphs(assetsPerSide);
  const forWhat = { patchset: 1, gitSha: '0'.repeat(40) };
  let last = classifyImpact(branch, production, forWhat); // warm-up
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const began = performance.now();
    last = classifyImpact(branch, production, forWhat);
    times.push(performance.now() - began);
  }
  times.sort((a, b) => a - b);
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return { assetsPerSide, changed: last.assets.length, downstream: last.downstream.length, medianMs: round(times[Math.floor(times.length / 2)]!), maxMs: round(times[times.length - 1]!) };
}
