// The targets of issue #15, each with the figure this run measured and a verdict. A target whose
// scenario did not run (BENCH_ONLY) says so instead of passing or failing.

import type { Report } from './report.js';
import type { Row } from './rows.js';
import { fixed } from './table.js';

export type Verdict = 'met' | 'not met' | 'not measured';

export interface TargetResult {
  readonly target: string;
  /** The measured figure as printed, with its unit. */
  readonly figure: string;
  readonly value: number | undefined;
  readonly verdict: Verdict;
}

function check(target: string, value: number | undefined, met: (v: number) => boolean, show: (v: number) => string): TargetResult {
  if (value === undefined || !Number.isFinite(value)) return { target, figure: '', value: undefined, verdict: 'not measured' };
  return { target, figure: show(value), value, verdict: met(value) ? 'met' : 'not met' };
}

const changegateRow = (rows: readonly Row[], shape: string, scenario?: string): Row | undefined =>
  rows.find((r) => r.target === 'changegate' && r.workers === 1 && r.shape === shape && (scenario === undefined || r.scenario === scenario));

export const CACHED_BEARER = 'changegate: bearer, cached decision';

export function targets(r: Report): TargetResult[] {
  const cached = changegateRow(r.rows, 'small GET', CACHED_BEARER);
  const relay = r.rows.find((x) => x.target === 'relay');
  const review = changegateRow(r.rows, 'Gerrit review POST');
  const launch = changegateRow(r.rows, 'Dagster launchRun');
  const times = (v: number): string => `${fixed(v)}x`;
  const ms = (v: number): string => `${fixed(v, 3)} ms`;
  const added = (p: 'p50Ms' | 'p99Ms'): number | undefined => (r.latency === undefined ? undefined : r.latency.changegate[p] - r.latency.direct[p]);
  // CPU time per decision, not wall time: on a quiet machine they agree, and on a shared one the
  // wall figure mostly measures the other processes.
  const cpu = r.policy?.['cpuUs'] as Readonly<Record<string, unknown>> | undefined;
  const cachedUs = cpu?.['cached'];
  return [
    check('bearer GET, cached decision >= 0.4x nginx', cached?.vsNginx, (v) => v >= 0.4, times),
    check('bearer GET, cached decision >= 0.8x bare Node relay', cached !== undefined && relay !== undefined ? cached.requestsPerSecond / relay.requestsPerSecond : undefined, (v) => v >= 0.8, times),
    check('review POST (uncached, write-ahead) >= 0.2x nginx', review?.vsNginx, (v) => v >= 0.2, times),
    check('launchRun (uncached, write-ahead) >= 0.2x nginx', launch?.vsNginx, (v) => v >= 0.2, times),
    check('added latency at a fixed rate, p50 < 1 ms over direct', added('p50Ms'), (v) => v < 1, ms),
    check('added latency at a fixed rate, p99 < 3 ms over direct', added('p99Ms'), (v) => v < 3, ms),
    check('cached decision < 1 us (CPU, engine cache path)', typeof cachedUs === 'number' ? cachedUs : undefined, (v) => v < 1, (v) => `${fixed(v, 3)} us`),
    check('cold start to ready < 1 s (restart; the first start compiles the policy)', r.coldStart?.restartMs, (v) => v < 1000, (v) => `${fixed(v, 0)} ms (first start ${fixed(r.coldStart!.firstMs, 0)} ms)`),
    check('WebSocket churn: RSS after GC within 20% of start', r.wsChurn?.rssRatio, (v) => v <= 1.2, (v) => `${fixed(v, 2)}x (${fixed(r.wsChurn!.before.rssKiB / 1024, 1)} -> ${fixed(r.wsChurn!.after.rssKiB / 1024, 1)} MiB)`),
  ];
}
