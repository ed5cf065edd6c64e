// Refreshing a session's tokens, at most once per refresh token in this process. A browser
// fires several requests at once with the same cookie; without this, each would spend the same
// refresh token and, with rotation, all but the first would fail and end the session
// (pomerium#6530). Requests that arrive with the old cookie shortly after get the same outcome.

import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

export interface RefreshedTokens {
  readonly claims: Readonly<Record<string, unknown>>;
  readonly refreshToken?: string;
  readonly accessExpiresAt?: number;
  readonly idToken?: string;
}

export type RefreshOutcome = { readonly ok: true; readonly tokens: RefreshedTokens } | { readonly ok: false; readonly reason: string };

/** Performs one refresh grant; resolves to a failure (never rejects) when the IdP refuses or is unreachable. */
export type RefreshGrant = (refreshToken: string) => Promise<RefreshOutcome>;

const REMEMBER_MS = 60_000;

export class RefreshCoordinator {
  readonly #grant: RefreshGrant;
  readonly #inFlight = new LRUCache<string, Promise<RefreshOutcome>>({ max: 10_000, ttl: REMEMBER_MS });

  constructor(grant: RefreshGrant) {
    this.#grant = grant;
  }

  refresh(refreshToken: string): Promise<RefreshOutcome> {
    const key = createHash('sha256').update(refreshToken).digest('base64url');
    const known = this.#inFlight.get(key);
    if (known !== undefined) return known;
    const pending = this.#grant(refreshToken).catch((e: unknown): RefreshOutcome => ({ ok: false, reason: describe(e) }));
    this.#inFlight.set(key, pending);
    return pending;
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const oauthError = (e as { error?: unknown }).error;
    return typeof oauthError === 'string' ? oauthError : e.name;
  }
  return 'refresh failed';
}
