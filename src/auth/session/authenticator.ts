// The session-cookie authenticator. It reads and opens the cookie, enforces lifetimes, refreshes
// tokens shortly before the access token expires, and re-issues the cookie for activity at most
// once a minute. Any failure ends the session; the anonymous challenge (challenge.ts) clears the
// cookies and sends a browser to sign in once, so a bad session can never loop.

import type { OidcIdentity } from '../../identity/types.js';
import type { AuthRequest, AuthResult, Authenticator } from '../types.js';
import type { SessionCodec } from './codec.js';
import { parseCookieHeader } from './cookies.js';
import type { CookiePair } from './cookies.js';
import type { RefreshCoordinator } from './refresh.js';
import { refreshedState } from './build.js';
import type { SessionShape } from './build.js';
import type { Clock, RoleMapper, SessionState } from './types.js';

/** Refresh this long before the access token expires, so no request runs on a dead token. */
export const REFRESH_MARGIN_SECONDS = 30;
/** Re-issue the cookie for activity at most this often. */
export const REISSUE_INTERVAL_SECONDS = 60;

export interface SessionAuthenticatorOptions {
  readonly codec: SessionCodec;
  readonly shape: SessionShape;
  readonly roles: RoleMapper;
  /** Absent when no OIDC client is configured; sessions then end at their lifetimes. */
  readonly refresher?: RefreshCoordinator;
  readonly clock: Clock;
  /**
   * Cookie naming follows publicUrl (https: `__Host-`), not the connection: behind a TLS
   * terminator the hop to us may be plain http while the browser is on https.
   */
  readonly secure: boolean;
}

export type SessionCheck =
  | { readonly kind: 'none' }
  | { readonly kind: 'valid'; readonly state: SessionState; readonly setCookies: readonly string[] }
  | { readonly kind: 'ended'; readonly reason: string };

export class SessionAuthenticator implements Authenticator {
  readonly name = 'session';
  readonly #o: SessionAuthenticatorOptions;

  constructor(options: SessionAuthenticatorOptions) {
    this.#o = options;
  }

  async authenticate(request: AuthRequest): Promise<AuthResult> {
    const check = await this.check(parseCookieHeader(request.req.headers.cookie), this.#o.secure);
    // An ended session (expired, refresh refused, bad or foreign cookie) counts as no session:
    // the request goes on as anonymous, and the anonymous challenge (challenge.ts) clears the
    // cookies and sends a browser to sign in once. Answering `rejected` instead would leave a
    // browser stuck on a 401 page with the dead cookie still set. Nothing can be "rescued" by
    // this: explicit credentials (PAT, bearer) are checked before the session.
    if (check.kind !== 'valid') return { kind: 'absent' };
    return { kind: 'authenticated', identity: this.identityOf(check.state), setCookies: check.setCookies };
  }

  /** The session behind these cookies, refreshed and re-issued as needed. Routes use it too. */
  async check(sent: readonly CookiePair[], secure: boolean): Promise<SessionCheck> {
    const now = this.#o.clock();
    const read = await this.#o.codec.read(sent, secure, now);
    if (read.kind === 'none') return read;
    if (read.kind === 'invalid') {
      return { kind: 'ended', reason: read.reason === 'expired' ? 'session expired; sign in again' : 'session cookie is not valid; sign in again' };
    }
    let state = read.state;
    let changed = false;
    if (state.rt !== undefined && state.atx !== undefined && state.atx - now <= REFRESH_MARGIN_SECONDS) {
      if (this.#o.refresher === undefined) return { kind: 'ended', reason: 'session tokens expired; sign in again' };
      const outcome = await this.#o.refresher.refresh(state.rt);
      if (!outcome.ok) return { kind: 'ended', reason: 'the identity provider ended the session; sign in again' };
      const next = refreshedState(state, outcome.tokens, this.#o.shape, now);
      if (!next.ok) return { kind: 'ended', reason: 'the identity provider ended the session; sign in again' };
      state = next.state;
      changed = true;
    } else if (now - state.seen >= REISSUE_INTERVAL_SECONDS) {
      state = { ...state, seen: now };
      changed = true;
    }
    const setCookies = changed ? await this.#o.codec.write(state, sent, secure, now) : [];
    return { kind: 'valid', state, setCookies };
  }

  /**
   * One identity object per session state: an opened cookie's state is reused from the unseal
   * cache, and downstream memos (the policy input's subject) key on the identity object.
   */
  readonly #identities = new WeakMap<SessionState, OidcIdentity>();

  identityOf(state: SessionState): OidcIdentity {
    let identity = this.#identities.get(state);
    if (identity === undefined) {
      identity = this.#buildIdentity(state);
      this.#identities.set(state, identity);
    }
    return identity;
  }

  #buildIdentity(state: SessionState): OidcIdentity {
    const subject = { id: state.sub, groups: state.grp, human: true, ...(state.em === undefined ? {} : { email: state.em }) };
    return {
      kind: 'authenticated',
      via: 'oidc',
      id: state.sub,
      ...(state.em === undefined ? {} : { email: state.em }),
      username: state.usr,
      groups: state.grp,
      roles: this.#o.roles(subject),
      issuer: state.iss,
      human: true,
      expiresAt: this.#o.codec.expiresAt(state),
      sessionId: state.sid,
    };
  }
}
