// Policy evaluation alone: microseconds per decision through the opa-wasm SDK, uncached and
// cached, on the default policies and a typical input.

import { PolicyEngine } from '../src/policy/engine.js';
import { loadPolicy } from '../src/policy/load.js';
import type { PolicyInput } from '../src/policy/types.js';
import { packageRoot } from '../src/util/package-root.js';
import { join } from 'node:path';

export interface PolicyFigures {
  readonly compileMs: number;
  readonly uncachedMedianUs: number;
  readonly cachedMedianUs: number;
}

const input = (i: number): PolicyInput => ({
  subject: { id: 'bob', email: 'bob@example.test', username: 'bob', groups: ['gerrit-reviewers'], roles: ['viewer', 'reviewer'], via: 'oidc', human: true },
  action: 'gerrit.read',
  resource: { upstream: 'gerrit', path: `/changes/${i}` },
  request: { method: 'GET', path: `/changes/${i}`, ip: '127.0.0.1', requestId: `r${i}` },
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

export async function measurePolicy(): Promise<PolicyFigures> {
  const started = performance.now();
  const { snapshot } = await loadPolicy({ path: join(packageRoot(), 'policies'), entrypoint: 'changegate/decision' });
  const compileMs = performance.now() - started;
  const uncached = new PolicyEngine({ cacheSize: 0, cacheTtlMs: 0 });
  uncached.swap(snapshot);
  const cached = new PolicyEngine({ cacheSize: 1000, cacheTtlMs: 60_000 });
  cached.swap(snapshot);
  const rounds: number[] = [];
  const cachedRounds: number[] = [];
  const N = 20_000;
  for (let round = 0; round < 7; round++) {
    let t = performance.now();
    for (let i = 0; i < N; i++) uncached.decide(input(i));
    rounds.push(((performance.now() - t) * 1000) / N);
    t = performance.now();
    for (let i = 0; i < N; i++) cached.decide(input(i % 100));
    cachedRounds.push(((performance.now() - t) * 1000) / N);
  }
  return { compileMs, uncachedMedianUs: median(rounds), cachedMedianUs: median(cachedRounds) };
}
