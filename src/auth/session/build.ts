// Building session state at sign-in and after a refresh. Both paths go through the same bounds,
// so the cookie cannot grow past what bounds.ts allows however many groups the IdP sends.

import { boundGroups, MAX_ID_TOKEN_HINT } from './bounds.js';
import { newSessionId } from './codec.js';
import type { SessionLifetimes, SessionState } from './types.js';
import { hasGroupsClaim } from '../oidc/profile.js';
import type { Profile, ProfileOptions } from '../oidc/profile.js';
import type { RefreshedTokens } from './refresh.js';

export interface SessionShape {
  readonly lifetimes: SessionLifetimes;
  readonly maxGroups: number;
  /** Groups role mapping names; always kept. */
  readonly namedGroups: ReadonlySet<string>;
  readonly profile: ProfileOptions;
}

export interface SignInTokens {
  readonly refreshToken?: string;
  readonly accessExpiresAt?: number;
  readonly idToken?: string;
}

/** A refresh token this large (some IdPs issue JWTs) is not kept; the session then ends at its lifetimes. */
const MAX_REFRESH_TOKEN = 2560;

function refreshToken(rt: string | undefined): { rt?: string } {
  return rt !== undefined && rt.length <= MAX_REFRESH_TOKEN ? { rt } : {};
}

function idTokenHint(idToken: string | undefined): { idt?: string } {
  return idToken !== undefined && idToken.length <= MAX_ID_TOKEN_HINT ? { idt: idToken } : {};
}

/** A brand-new session: new id, new clocks. Nothing from any earlier cookie survives. */
export function newSessionState(profile: Profile, tokens: SignInTokens, shape: SessionShape, now: number): SessionState {
  const bounded = boundGroups(profile.groups, shape.namedGroups, shape.maxGroups);
  return {
    v: 1,
    sid: newSessionId(),
    sub: profile.sub,
    iss: profile.iss,
    usr: profile.username,
    ...(profile.email === undefined ? {} : { em: profile.email }),
    grp: bounded.groups,
    ...(bounded.truncated ? { gt: 1 as const } : {}),
    auth: now,
    abs: now + shape.lifetimes.absoluteSeconds,
    seen: now,
    ...refreshToken(tokens.refreshToken),
    ...(tokens.accessExpiresAt === undefined ? {} : { atx: tokens.accessExpiresAt }),
    ...idTokenHint(tokens.idToken),
  };
}

export type RefreshedState = { readonly ok: true; readonly state: SessionState } | { readonly ok: false; readonly reason: string };

/**
 * The session after a successful refresh: same id and same absolute end (a refresh never
 * extends the hard limit, unlike oauth2-proxy#3155), new tokens, and groups when the IdP sent them.
 */
export function refreshedState(state: SessionState, tokens: RefreshedTokens, shape: SessionShape, now: number): RefreshedState {
  const claims = tokens.claims;
  if (claims['sub'] !== undefined && claims['sub'] !== state.sub) return { ok: false, reason: 'refresh returned another subject' };
  const { rt: _rt, atx: _atx, idt: _idt, gt: _gt, grp: _grp, ...kept } = state;
  let groups: Pick<SessionState, 'grp' | 'gt'> = { grp: state.grp, ...(state.gt === undefined ? {} : { gt: state.gt }) };
  if (hasGroupsClaim(claims, shape.profile.groupsClaim)) {
    const bounded = boundGroups(claims[shape.profile.groupsClaim], shape.namedGroups, shape.maxGroups);
    groups = { grp: bounded.groups, ...(bounded.truncated ? { gt: 1 as const } : {}) };
  }
  return {
    ok: true,
    state: {
      ...kept,
      ...groups,
      seen: now,
      ...refreshToken(tokens.refreshToken),
      ...(tokens.accessExpiresAt === undefined ? {} : { atx: tokens.accessExpiresAt }),
      ...idTokenHint(tokens.idToken ?? state.idt),
    },
  };
}
