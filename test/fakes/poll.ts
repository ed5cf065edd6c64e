// Waiting for a condition in tests: poll it, with a bound, instead of sleeping for a guessed time.
// A sleep is either too short on a loaded machine (a flaky failure) or too long everywhere else.

import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  /** Give up after this long (default 10 s): a hang guard, not a timing assertion. */
  readonly timeoutMs?: number;
  /** Pause between tries (default 25 ms). */
  readonly intervalMs?: number;
}

/**
 * Resolves with the first truthy value `probe` returns; rejects naming `what` when the bound
 * passes. A probe that throws counts as "not yet" (a server not listening yet, say).
 */
export async function eventually<T>(what: string, probe: () => T | Promise<T>, options: PollOptions = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      const why = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new Error(`timed out waiting for ${what}${why}`);
    }
    await sleep(options.intervalMs ?? 25);
  }
}

/**
 * Waits until a proxy's token store has caught up with a token minted or revoked through another
 * handle on the same file (the store rereads it at most once a second). Asks the proxy's own token
 * API, which the proxy answers itself: nothing reaches an upstream and nothing is audited.
 */
export async function untilProxySeesToken(base: string, username: string, token: string, state: 'known' | 'revoked'): Promise<void> {
  const authorization = `Basic ${Buffer.from(`${username}:${token}`).toString('base64')}`;
  await eventually(`the proxy to see ${username}'s token as ${state}`, async () => {
    const res = await fetch(`${base}/.changegate/api/tokens`, { headers: { authorization } });
    const body = await res.text();
    return state === 'known' ? !body.includes('unknown access token') : body.includes('access token revoked');
  });
}
