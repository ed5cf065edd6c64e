// The policy builder: the Wasm engine with its decision cache, and the watcher that loads the
// policy now and again whenever its sources change.

import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Readiness } from '../observability/readiness.js';
import { PolicyEngine } from '../policy/engine.js';
import { PolicyWatcher } from '../policy/watch.js';

/** How long a cached decision is reused. */
export const DECISION_TTL_MS = 10_000;

export interface Policy {
  readonly engine: PolicyEngine;
  stop(): void;
}

export async function buildPolicy(config: Config, logger: Logger, metrics: Metrics, readiness: Readiness): Promise<Policy> {
  const engine = new PolicyEngine({
    cacheSize: config.policy.cacheSize,
    cacheTtlMs: DECISION_TTL_MS,
    onEvaluate: (seconds, cached) => {
      metrics.policyCache(cached);
      if (!cached) metrics.observePolicyEval(seconds);
    },
  });
  readiness.register('policy', () => (engine.ready ? { ready: true } : { ready: false, reason: 'no policy is loaded' }));
  // Compiled policies are kept in stateDir, so a restart with the same files skips the compiler.
  const location = { ...config.policy, cacheDir: join(config.stateDir, 'policy-cache'), warn: (message: string) => logger.warn(message) };
  const watcher = new PolicyWatcher(engine, location, logger, (result) => metrics.policyReload(result));
  await watcher.start();
  // Expired decisions give their memory back within two TTLs, not only under cache pressure.
  const purge = setInterval(() => engine.purgeStale(), DECISION_TTL_MS);
  purge.unref();
  return {
    engine,
    stop: () => {
      clearInterval(purge);
      watcher.stop();
    },
  };
}
