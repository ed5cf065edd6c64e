// Policy evaluation alone: microseconds per decision through the opa-wasm SDK, uncached and
// cached, on the default policies and a typical input. Inputs are built as the proxy builds them:
// the subject comes from subjectInput(), which returns one object per identity object. A bearer
// token's identity is cached by the authenticator (the same object on every request); a session's
// identity is decoded from its cookie on every request (a new object each time): both are measured.
//
// Each figure is the median over rounds of the mean per decision in that round. Wall-clock figures
// are what a request waits; CPU figures (process CPU time) are steadier on a machine shared with
// other work, which stretches wall-clock time but not the CPU time spent.

import { PolicyEngine } from '../src/policy/engine.js';
import { loadPolicy } from '../src/policy/load.js';
import type { PolicyInput } from '../src/policy/types.js';
import type { OidcIdentity } from '../src/identity/types.js';
import { subjectInput } from '../src/pipeline/records.js';
import { packageRoot } from '../src/util/package-root.js';
import { join } from 'node:path';

export interface PolicyFigures {
  readonly compileMs: number;
  /** Same identity object on every request (bearer tokens, PATs). */
  readonly uncachedMedianUs: number;
  readonly cachedMedianUs: number;
  /** A new identity object per request, equal in content (browser sessions). */
  readonly uncachedNewIdentityMedianUs: number;
  readonly cachedNewIdentityMedianUs: number;
  /** The same four, in CPU time. */
  readonly cpuUs: { readonly uncached: number; readonly cached: number; readonly uncachedNewIdentity: number; readonly cachedNewIdentity: number };
}

const identity = (): OidcIdentity => ({
  kind: 'authenticated',
  via: 'oidc',
  id: 'bob',
  email: 'bob@example.test',
  username: 'bob',
  groups: ['gerrit-reviewers'],
  roles: ['viewer', 'reviewer'],
  issuer: 'https://idp.example.test',
  human: true,
  sessionId: 's1',
});

const input = (who: OidcIdentity, i: number): PolicyInput => ({
  subject: subjectInput(who),
  action: 'gerrit.read',
  resource: { upstream: 'gerrit', path: `/changes/${i}` },
  request: { method: 'GET', path: `/changes/${i}`, ip: '127.0.0.1', requestId: `r${i}` },
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

interface Series {
  readonly wall: number[];
  readonly cpu: number[];
}

function round(series: Series, n: number, decide: (i: number) => void): void {
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < n; i++) decide(i);
  const wall = performance.now() - t;
  const used = process.cpuUsage(cpu);
  series.wall.push((wall * 1000) / n);
  series.cpu.push((used.user + used.system) / n);
}

export async function measurePolicy(): Promise<PolicyFigures> {
  const started = performance.now();
  const { snapshot } = await loadPolicy({ path: join(packageRoot(), 'policies'), entrypoint: 'changegate/decision' });
  const compileMs = performance.now() - started;
  const uncached = new PolicyEngine({ cacheSize: 0, cacheTtlMs: 0 });
  uncached.swap(snapshot);
  const cached = new PolicyEngine({ cacheSize: 1000, cacheTtlMs: 60_000 });
  cached.swap(snapshot);
  const bearer = identity();
  const s = { uncached: { wall: [], cpu: [] }, cached: { wall: [], cpu: [] }, uncachedNew: { wall: [], cpu: [] }, cachedNew: { wall: [], cpu: [] } } satisfies Record<string, Series>;
  const N = 20_000;
  // The two kinds of identity in separate loops: alternating them round by round slows both
  // (the garbage of one lands in the other's rounds), which is not what either request sees.
  for (let r = 0; r < 7; r++) {
    round(s.uncached, N, (i) => uncached.decide(input(bearer, i)));
    round(s.cached, N, (i) => cached.decide(input(bearer, i % 100)));
  }
  for (let r = 0; r < 7; r++) {
    round(s.uncachedNew, N, (i) => uncached.decide(input(identity(), i)));
    round(s.cachedNew, N, (i) => cached.decide(input(identity(), i % 100)));
  }
  return {
    compileMs,
    uncachedMedianUs: median(s.uncached.wall),
    cachedMedianUs: median(s.cached.wall),
    uncachedNewIdentityMedianUs: median(s.uncachedNew.wall),
    cachedNewIdentityMedianUs: median(s.cachedNew.wall),
    cpuUs: {
      uncached: median(s.uncached.cpu),
      cached: median(s.cached.cpu),
      uncachedNewIdentity: median(s.uncachedNew.cpu),
      cachedNewIdentity: median(s.cachedNew.cpu),
    },
  };
}
