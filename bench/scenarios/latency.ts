// Added latency at a fixed request rate (open loop): the small GET direct, through nginx, through
// the bare Node relay and through Changegate, each for the same duration at the same rate, with
// what the proxy's core spent: how busy it was at this rate, and per request.

import type { Bench, Headers } from '../lib/context.js';
import { onCores, type CoreUse } from '../lib/core-time.js';
import { fixedRate, type FixedRateResult } from '../lib/open-loop.js';
import { proxyCpus } from '../lib/settings.js';
import { SMALL_GET } from '../lib/shapes.js';

const WARM_SECONDS = 2;

export const LATENCY_TARGETS = ['direct', 'nginx', 'relay', 'changegate'] as const;

export type FixedRateRun = FixedRateResult & { readonly proxyCore: CoreUse };

export interface LatencyResult {
  readonly rate: number;
  readonly seconds: number;
  readonly direct: FixedRateRun;
  readonly nginx: FixedRateRun;
  readonly relay: FixedRateRun;
  readonly changegate: FixedRateRun;
}

/**
 * The small GET at the bench's fixed rate against `base`, with what the proxy's core spent. It
 * first gets WARM_SECONDS at the same rate, unmeasured (JIT, pools, the token and decision
 * caches), so the figure is the steady state: a first start is measured on its own (coldstart),
 * and with `BENCH_ONLY=latency` the proxy would otherwise be measured cold.
 */
export async function atFixedRate(bench: Bench, base: string, headers: Headers = {}): Promise<FixedRateRun> {
  const { rate, rateSeconds: seconds } = bench.settings;
  const options = { url: `${base}${SMALL_GET.path}`, rate, headers };
  await fixedRate({ ...options, seconds: WARM_SECONDS });
  return onCores(proxyCpus(1), () => fixedRate({ ...options, seconds }), (r) => r.completed);
}

export async function fixedRateLatency(bench: Bench, urls: { readonly nginx: string; readonly relay: string; readonly changegate: string }): Promise<LatencyResult> {
  const { rate, rateSeconds: seconds } = bench.settings;
  process.stderr.write(`  fixed rate ${rate} req/s for ${seconds} s: direct, nginx, relay, changegate\n`);
  const at = (base: string, headers: Headers = {}): Promise<FixedRateRun> => atFixedRate(bench, base, headers);
  return {
    rate,
    seconds,
    direct: await at(bench.directUrl),
    nginx: await at(urls.nginx),
    relay: await at(urls.relay),
    changegate: await at(urls.changegate, bench.bearer),
  };
}
