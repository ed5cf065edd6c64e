// Shared by the kubernetes launcher's tests: a clock the test advances, a launch spec, the repo root.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WaitClock } from '../../../../src/deployments/launchers/kubernetes/clock.js';
import type { LaunchSpec } from '../../../../src/deployments/types.js';
import { eventually } from '../../../fakes/poll.js';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 12; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('package.json not found');
}

interface Sleeper {
  readonly until: number;
  readonly resolve: () => void;
}

/** Time moves only when the test says so: deadlines are reached without waiting for them. */
export class ManualClock implements WaitClock {
  #t = 0;
  #sleepers: Sleeper[] = [];

  now(): number {
    return this.#t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = { until: this.#t + ms, resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** How many waits are pending (the launcher has looked, found it not done, and sleeps). */
  get sleeping(): number {
    return this.#sleepers.length;
  }

  /** Moves time to the earliest wake-up and wakes that sleeper. */
  advance(): void {
    this.#sleepers.sort((a, b) => a.until - b.until);
    const next = this.#sleepers.shift();
    if (next === undefined) return;
    this.#t = Math.max(this.#t, next.until);
    next.resolve();
  }
}

/** Runs `work` to its end, waking it each time it sleeps; how many sleeps it took is the second value. */
export async function drive<T>(clock: ManualClock, work: Promise<T>): Promise<{ result: PromiseSettledResult<T>; sleeps: number }> {
  let settled: PromiseSettledResult<T> | undefined;
  void work.then(
    (value) => (settled = { status: 'fulfilled', value }),
    (reason: unknown) => (settled = { status: 'rejected', reason }),
  );
  let sleeps = 0;
  for (;;) {
    await eventually('the launcher to sleep or finish', () => settled !== undefined || clock.sleeping > 0);
    if (settled !== undefined) return { result: settled, sleeps };
    clock.advance();
    sleeps++;
  }
}

export function launchSpec(overrides: Partial<LaunchSpec> = {}): LaunchSpec {
  const change = overrides.change ?? 42;
  const patchset = overrides.patchset ?? 3;
  const name = overrides.name ?? `gerrit-change-${change}`;
  const pathPrefix = overrides.pathPrefix ?? `/dagster/changes/${change}`;
  const checkout = overrides.checkout ?? `/var/deployments/${change}/${patchset}`;
  return {
    name,
    change,
    patchset,
    checkout,
    pathPrefix,
    env: overrides.env ?? {
      DAGSTER_CLOUD_IS_BRANCH_DEPLOYMENT: '1',
      DAGSTER_CLOUD_DEPLOYMENT_NAME: name,
      DAGSTER_CLOUD_PULL_REQUEST_ID: String(change),
      DAGSTER_CLOUD_GIT_MESSAGE: 'Fix it\n---\nkind: Secret\n$(DAGSTER_HOME) {change}',
    },
    placeholders: overrides.placeholders ?? { name, change: String(change), patchset: String(patchset), pathPrefix, checkout },
    readyTimeoutMs: overrides.readyTimeoutMs ?? 60_000,
  };
}
