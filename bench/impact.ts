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
  /** Median process CPU time per classification: steadier than wall time on a shared machine. */
  readonly cpuMedianMs: number;
}

export function measureImpact(assetsPerSide = 10_000, rounds = 15): ImpactFigures {
  const { production, branch } = generateGraphs(assetsPerSide);
  const forWhat = { patchset: 1, gitSha: '0'.repeat(40) };
  let last = classifyImpact(branch, production, forWhat); // warm-up
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const began = performance.now();
    const cpuBefore = process.cpuUsage();
    last = classifyImpact(branch, production, forWhat);
    const used = process.cpuUsage(cpuBefore);
    times.push(performance.now() - began);
    cpu.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return { assetsPerSide, changed: last.assets.length, downstream: last.downstream.length, medianMs: round(times[Math.floor(times.length / 2)]!), maxMs: round(times[times.length - 1]!), cpuMedianMs: round(cpu[Math.floor(cpu.length / 2)]!) };
}
