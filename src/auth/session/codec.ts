// Reading and writing the session cookie. Stateless: the sealed cookie is the whole session,
// so any replica holding the keys can serve any request. The seal's own expiry is the earlier
// of the absolute end and the idle end, so an expired cookie never opens.

import { randomBytes } from 'node:crypto';
import type { SessionKeyring } from './keys.js';
import { seal, unseal } from './seal.js';
import { cookieNames, readChunked, writeChunked, clearOwnCookies } from './cookies.js';
import type { CookiePair } from './cookies.js';
import type { SessionLifetimes, SessionState } from './types.js';

export type SessionRead =
  | { readonly kind: 'none' }
  | { readonly kind: 'valid'; readonly state: SessionState }
  | { readonly kind: 'invalid'; readonly reason: 'expired' | 'unknown_key' | 'invalid' };

export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

export class SessionCodec {
  readonly #keyring: SessionKeyring;
  readonly #lifetimes: SessionLifetimes;

  constructor(keyring: SessionKeyring, lifetimes: SessionLifetimes) {
    this.#keyring = keyring;
    this.#lifetimes = lifetimes;
  }

  get keyring(): SessionKeyring {
    return this.#keyring;
  }

  get lifetimes(): SessionLifetimes {
    return this.#lifetimes;
  }

  /** When this state stops being valid: the absolute end or the idle end, whichever is first. */
  expiresAt(state: SessionState): number {
    return Math.min(state.abs, state.seen + this.#lifetimes.idleSeconds);
  }

  async read(sent: readonly CookiePair[], secure: boolean, now: number): Promise<SessionRead> {
    const sealed = readChunked(sent, cookieNames(secure).session);
    if (sealed === undefined || sealed === '') return { kind: 'none' };
    const opened = await unseal<SessionState>(this.#keyring, 'changegate-session', sealed, now);
    if (!opened.ok) return { kind: 'invalid', reason: opened.reason };
    const state = opened.payload;
    if (state.v !== 1 || typeof state.sid !== 'string' || typeof state.sub !== 'string' || !Array.isArray(state.grp)) {
      return { kind: 'invalid', reason: 'invalid' };
    }
    if (now >= this.expiresAt(state)) return { kind: 'invalid', reason: 'expired' };
    return { kind: 'valid', state };
  }

  /** Set-Cookie values storing `state`, replacing whatever session cookies the browser sent. */
  async write(state: SessionState, sent: readonly CookiePair[], secure: boolean, now: number): Promise<string[]> {
    const expiresAt = this.expiresAt(state);
    const { v, sid, sub, iss, usr, em, grp, gt, auth, abs, seen, rt, atx, idt } = state;
    const sealed = await seal(this.#keyring, 'changegate-session', { v, sid, sub, iss, usr, em, grp, gt, auth, abs, seen, rt, atx, idt }, expiresAt);
    // The browser may drop the cookie at the hard end; the idle end is enforced here.
    return writeChunked(cookieNames(secure).session, sealed, { secure, maxAge: state.abs - now }, sent);
  }

  /** Set-Cookie values ending the session: every cookie of ours the browser sent. */
  clear(sent: readonly CookiePair[], secure: boolean): string[] {
    return clearOwnCookies(sent, secure);
  }
}
