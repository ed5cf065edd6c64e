// Added latency at a fixed request rate (open loop): the small GET direct, through nginx and
// through Changegate, each for the same duration at the same rate.

import type { Bench } from '../lib/context.js';
import { fixedRate, type FixedRateResult } from '../lib/open-loop.js';
import { SMALL_GET } from '../lib/shapes.js';

const WARM_SECONDS = 2;

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
  // Each target first gets WARM_SECONDS at the same rate, unmeasured (JIT, pools, the token and
  // decision caches), so the figure is the steady state: a first start is measured on its own
  // (coldstart), and with `BENCH_ONLY=latency` the proxy would otherwise be measured cold.
  const at = async (base: string, headers = {}): Promise<FixedRateResult> => {
    await fixedRate({ url: `${base}${SMALL_GET.path}`, rate, seconds: WARM_SECONDS, headers });
    return fixedRate({ url: `${base}${SMALL_GET.path}`, rate, seconds, headers });
  };
  return { rate, seconds, direct: await at(bench.directUrl), nginx: await at(nginxUrl), changegate: await at(changegateUrl, bench.bearer) };
}
