// Signals to a whole process group (a webserver and whatever it forked: workers, the code
// servers of its locations), and waiting, with bounds, until the group is gone.

import { setTimeout as sleep } from 'node:timers/promises';
import { liveGroupMembers } from './proc-stat.js';

export interface StopTiming {
  /** How long SIGTERM gets before SIGKILL. */
  readonly graceMs: number;
  /** Pause between checks. */
  readonly pollMs: number;
}

export const DEFAULT_STOP_TIMING: StopTiming = { graceMs: 5_000, pollMs: 50 };

/** After SIGKILL the kernel needs a moment to tear a process down; give up waiting after this. */
const AFTER_KILL_MS = 5_000;

/**
 * Sends `signal` to the group; false when no process of ours is in it any more. EPERM counts as
 * gone: a group of another user can only have our group's id after ours ended entirely.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw e;
  }
}

/** Whether any member of the group still runs (zombies, which no signal can reach, do not count). */
export async function groupAlive(pgid: number): Promise<boolean> {
  if (!signalGroup(pgid, 0)) return false;
  const live = await liveGroupMembers(pgid);
  return live === undefined ? true : live.length > 0;
}

async function waitGone(pgid: number, ms: number, pollMs: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (!(await groupAlive(pgid))) return true;
    if (performance.now() >= deadline) return false;
    await sleep(pollMs);
  }
}

/**
 * SIGTERM to the group, SIGKILL to what is left after the grace period; resolves once the group
 * is gone (or, if even SIGKILL leaves something, after a bound: nothing more can be done).
 */
export async function stopGroup(pgid: number, timing: StopTiming = DEFAULT_STOP_TIMING): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  if (await waitGone(pgid, timing.graceMs, timing.pollMs)) return;
  if (!signalGroup(pgid, 'SIGKILL')) return;
  await waitGone(pgid, AFTER_KILL_MS, timing.pollMs);
}
