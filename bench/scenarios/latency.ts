// Added latency at a fixed request rate (open loop): the small GET direct, through nginx and
// through Changegate, each for the same duration at the same rate.

import type { Bench } from '../lib/context.js';
import { fixedRate, type FixedRateResult } from '../lib/open-loop.js';
import { SMALL_GET } from '../lib/shapes.js';

export interface LatencyResult {
  readonly rate: number;
  readonly seconds: number;
  readonly direct: FixedRateResult;
  readonly nginx: FixedRateResult;
  readonly changegate: FixedRateResult;
}

export async function fixedRateLatency(bench: Bench, nginxUrl: string, changegateUrl: string): Promise<LatencyResult> {
  const { rate, rateSeconds: seconds } = bench.settings;
  process.stderr.write(`  fixed rate ${rate} req/s for ${seconds} s: direct, nginx, changegate\n`);
  const at = (base: string, headers = {}): Promise<FixedRateResult> => fixedRate({ url: `${base}${SMALL_GET.path}`, rate, seconds, headers });
  return { rate, seconds, direct: await at(bench.directUrl), nginx: await at(nginxUrl), changegate: await at(changegateUrl, bench.bearer) };
}
