// The audit log's cost. audit.path is required, so the log cannot be turned off; instead a
// proxy writing it to tmpfs (where fsync costs nothing) is set against the main runs, which
// write it to the temp dir's disk. The rows land in the throughput table; when the latency
// group runs too, the same proxy also takes the fixed-rate GET, set against the main one there.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bench } from '../lib/context.js';
import type { ThroughputRows } from '../lib/rows.js';
import { runs } from '../lib/settings.js';
import { REVIEW, SMALL_GET } from '../lib/shapes.js';
import { atFixedRate, type FixedRateRun } from './latency.js';

export interface AuditScenario {
  readonly offSupported: false;
  readonly diskFs: string;
  readonly tmpfsFs: string;
  readonly note: string;
  /** The small GET at the fixed rate through the proxy logging to tmpfs (latency group only). */
  readonly fixedRate?: FixedRateRun;
}

export function fsType(path: string): string {
  try {
    return execFileSync('stat', ['-f', '-c', '%T', path], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export async function auditOnTmpfs(bench: Bench, rows: ThroughputRows): Promise<AuditScenario> {
  const root = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const auditDir = mkdtempSync(join(root, 'changegate-bench-audit-'));
  const [diskFs, tmpfsFs] = [fsType(bench.dir), fsType(auditDir)];
  const note = `the audit log cannot be turned off (audit.path is required); compared instead: the log on ${diskFs} (${bench.dir}) against ${tmpfsFs} (${root})`;
  process.stderr.write(`  ${note}\n`);
  const proxy = await bench.startProxy('audit-tmpfs', { workers: 1, auditDir, ports: 'side' });
  try {
    const { bearer } = bench;
    await bench.load(SMALL_GET, proxy.url, bearer, 2);
    rows.add(SMALL_GET, `changegate: bearer, cached decision, audit on ${tmpfsFs}`, 'changegate', 1, await bench.load(SMALL_GET, proxy.url, bearer));
    await bench.load(REVIEW, proxy.url, bearer, 1);
    rows.add(REVIEW, `changegate: bearer, uncached decision, audit on ${tmpfsFs}`, 'changegate', 1, await bench.load(REVIEW, proxy.url, bearer));
    if (!runs(bench.settings, 'latency')) return { offSupported: false, diskFs, tmpfsFs, note };
    process.stderr.write(`  fixed rate ${bench.settings.rate} req/s, audit on ${tmpfsFs}\n`);
    return { offSupported: false, diskFs, tmpfsFs, note, fixedRate: await atFixedRate(bench, proxy.url, bearer) };
  } finally {
    await proxy.child.stop();
    rmSync(auditDir, { recursive: true, force: true });
  }
}
