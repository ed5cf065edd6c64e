// Audit sink throughput and latency: appends/s and p50/p99 append latency (until durable) at
// concurrency 1, 16 and 64, group commit against an fsync-per-record baseline.
//
//   node --import tsx bench/audit.ts [seconds-per-run, default 1] [rounds, default 3] [dir]
//
// Bounded: rounds x 6 runs of the given seconds each. The two modes alternate within each round
// and each cell reports its median round, because a shared disk's fsync cost drifts over
// seconds. The dir (default the OS temp dir) decides which disk is measured.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAuditSink } from '../src/audit/file-sink.js';
import type { DecisionRecord } from '../src/audit/types.js';

const seconds = Number(process.argv[2] ?? 1);
const rounds = Math.max(1, Number(process.argv[3] ?? 3));
const base = process.argv[4] ?? tmpdir();

function record(i: number): DecisionRecord {
  return {
    kind: 'decision',
    time: new Date().toISOString(),
    requestId: `bench-${i}`,
    subject: { id: 'ci-runner', roles: ['ci'], via: 'bearer', tokenId: 'jti' },
    action: 'gerrit.change.review',
    resource: { upstream: 'gerrit', project: 'demo', branch: 'main' },
    change: { number: 1234, project: 'demo', branch: 'main' },
    decision: { allow: true, reasons: ['reviewer_may_vote'], revision: 'abc123' },
    request: { method: 'POST', path: '/a/changes/demo~1234/revisions/current/review', ip: '10.0.0.7', userAgent: 'bench/1' },
  };
}

interface Cell {
  readonly mode: string;
  readonly concurrency: number;
  readonly appends: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function runCell(dir: string, groupCommit: boolean, concurrency: number, round: number): Promise<Cell> {
  const path = join(dir, `audit-${groupCommit ? 'group' : 'single'}-${concurrency}-${round}.jsonl`);
  const sink = await FileAuditSink.open({ path, stateDir: dir, groupCommit, warn: () => undefined });
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const started = performance.now();
      await sink.append(record(n++));
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await sink.close();
  latencies.sort((a, b) => a - b);
  return {
    mode: groupCommit ? 'group commit' : 'fsync per record',
    concurrency,
    appends: latencies.length,
    perSecond: Math.round(latencies.length / elapsed),
    p50Ms: Math.round(percentile(latencies, 50) * 1000) / 1000,
    p99Ms: Math.round(percentile(latencies, 99) * 1000) / 1000,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(base, 'changegate-bench-audit-'));
  try {
    const runs = new Map<string, Cell[]>();
    for (let round = 0; round < rounds; round++) {
      for (const concurrency of [1, 16, 64]) {
        for (const groupCommit of [true, false]) {
          const cell = await runCell(dir, groupCommit, concurrency, round);
          const key = `${cell.mode}/${concurrency}`;
          runs.set(key, [...(runs.get(key) ?? []), cell]);
        }
      }
    }
    const median = (cs: readonly Cell[]): Cell => [...cs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(cs.length / 2)]!;
    const cells = [...runs.values()].map(median).sort((a, b) => a.mode.localeCompare(b.mode) || a.concurrency - b.concurrency);
    process.stdout.write(`audit sink, median of ${rounds} x ${seconds}s runs per cell, dir ${dir}, node ${process.version}\n`);
    process.stdout.write(`${'mode'.padEnd(18)}${'conc'.padStart(5)}${'appends'.padStart(9)}${'appends/s'.padStart(11)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}\n`);
    for (const c of cells) {
      process.stdout.write(`${c.mode.padEnd(18)}${String(c.concurrency).padStart(5)}${String(c.appends).padStart(9)}${String(c.perSecond).padStart(11)}${c.p50Ms.toFixed(3).padStart(9)}${c.p99Ms.toFixed(3).padStart(9)}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
