// Time for the launcher's waits, injected so tests drive deadlines without waiting for them.

import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitClock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Resolves after `ms`, or rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: WaitClock = {
  now: () => performance.now(),
  sleep: async (ms, signal) => {
    await sleep(ms, undefined, signal === undefined ? {} : { signal });
  },
};
