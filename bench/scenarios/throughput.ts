// Throughput and latency under closed-loop load (wrk): each request shape direct, through nginx
// and through Changegate, with bearer tokens and with a session cookie, allowed and denied.

import type { Bench, Headers } from '../lib/context.js';
import { SESSION_GROUPS, SESSION_SECRET } from '../lib/context.js';
import type { ThroughputRows } from '../lib/rows.js';
import { mintSessionCookie } from '../lib/session.js';
import { DENIED, LAUNCH_RUN, REVIEW, SHAPES, SMALL_GET, type Shape } from '../lib/shapes.js';

/** Direct and nginx get the same bytes as Changegate: the token rides along, unread. */
function headersFor(bench: Bench, shape: Shape): Headers {
  return shape === SMALL_GET ? {} : bench.bearer;
}

export async function directBaselines(bench: Bench, rows: ThroughputRows): Promise<void> {
  for (const shape of SHAPES) rows.add(shape, 'direct', 'direct', undefined, await bench.load(shape, bench.directUrl, headersFor(bench, shape)));
}

export async function nginxBaselines(bench: Bench, rows: ThroughputRows, nginxUrl: string, workers: number): Promise<void> {
  for (const shape of SHAPES) rows.add(shape, 'nginx (no auth)', 'nginx', workers, await bench.load(shape, nginxUrl, headersFor(bench, shape)));
}

/** The bare Node relay (bench/relay.ts): what any Node proxy pays before doing any work of its own. */
export async function relayBaseline(bench: Bench, rows: ThroughputRows, relayUrl: string): Promise<void> {
  await bench.load(SMALL_GET, relayUrl, {}, 1);
  rows.add(SMALL_GET, 'bare Node relay (undici, no auth)', 'relay', 1, await bench.load(SMALL_GET, relayUrl, {}));
}

export async function changegateThroughput(bench: Bench, rows: ThroughputRows, url: string, workers: number): Promise<void> {
  const { bearer } = bench;
  const run = async (shape: Shape, scenario: string, headers: Headers, warmSeconds: number, expectsErrors = false): Promise<void> => {
    // Warm-up: JIT, keep-alive pools, JWKS, decision cache.
    if (warmSeconds > 0) await bench.load(shape, url, headers, warmSeconds);
    rows.add(shape, scenario, 'changegate', workers, await bench.load(shape, url, headers), expectsErrors);
  };
  await run(SMALL_GET, 'changegate: bearer, cached decision', bearer, 2);
  const cookie = await mintSessionCookie({ secret: SESSION_SECRET, groups: SESSION_GROUPS, issuer: bench.issuer });
  await run(SMALL_GET, 'changegate: session cookie, cached decision', { cookie }, 1);
  await run(DENIED, 'changegate: bearer, admin POST denied (403)', bearer, 0, true);
  await run(REVIEW, 'changegate: bearer, uncached decision', bearer, 1);
  await run(LAUNCH_RUN, 'changegate: bearer, parsed + tags stamped', bearer, 1);
}
