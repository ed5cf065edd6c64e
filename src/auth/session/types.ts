// What a session cookie holds: only what decisions and refresh need. Short field names because
// every byte is sent on every request. Never the access token (nothing downstream uses it) and
// the ID token only when small (it is just the logout hint).

import type { Role } from '../../identity/types.js';

export interface SessionState {
  readonly v: 1;
  /** Random session id, for audit correlation and CSRF binding. */
  readonly sid: string;
  readonly sub: string;
  readonly iss: string;
  /** User name (Gerrit's auth header). */
  readonly usr: string;
  readonly em?: string;
  /** Groups, bounded (see bounds.ts). */
  readonly grp: readonly string[];
  /** 1 when the IdP sent more groups than were kept. */
  readonly gt?: 1;
  /** Sign-in time and the hard end of the session, seconds since the epoch. */
  readonly auth: number;
  readonly abs: number;
  /** Last time the cookie was re-issued for activity; the idle limit counts from here. */
  readonly seen: number;
  /** Refresh token, when the IdP issued one. */
  readonly rt?: string;
  /** Access token expiry: refresh is due shortly before it. */
  readonly atx?: number;
  /** ID token for `id_token_hint` at logout; left out when large. */
  readonly idt?: string;
}

export interface SessionLifetimes {
  readonly absoluteSeconds: number;
  readonly idleSeconds: number;
}

/** Maps a subject to roles; the identity module's role mapping is passed in at wiring time. */
export type RoleMapper = (subject: {
  readonly id: string;
  readonly email?: string;
  readonly groups: readonly string[];
  readonly human: boolean;
}) => readonly Role[];

export type Clock = () => number;

export const systemClock: Clock = () => Math.floor(Date.now() / 1000);
