// What the proxy-owned routes share: the OIDC client, the session machinery and the PAT service,
// plus the helper that finds the signed-in user of a request.

import type { Request, Response } from 'express';
import type { OidcClient } from '../oidc/client.js';
import type { SessionAuthenticator } from '../session/authenticator.js';
import type { SessionCodec } from '../session/codec.js';
import type { SessionShape } from '../session/build.js';
import type { SessionState, Clock } from '../session/types.js';
import type { PatService } from '../pat/service.js';
import { parseCookieHeader } from '../session/cookies.js';
import type { CookiePair } from '../session/cookies.js';

export interface AuthEvent {
  readonly event: 'signin' | 'signin_failed' | 'signout' | 'token_minted' | 'token_revoked';
  readonly subject?: string;
  readonly reason?: string;
  readonly tokenId?: string;
}

export interface AuthRoutesContext {
  /** The URL browsers use to reach the proxy; callback and logout return URLs hang off it. */
  readonly publicUrl: string;
  /** Secure, `__Host-` cookies: true when publicUrl is https. */
  readonly secure: boolean;
  /** Absent when browser sign-in is not configured (the routes then say so). */
  readonly oidc?: OidcClient;
  readonly sessions: SessionAuthenticator;
  readonly codec: SessionCodec;
  readonly shape: SessionShape;
  readonly pats?: PatService;
  readonly clock: Clock;
  /** Sign-in and token events for the log; never carries secrets. */
  readonly onEvent?: (e: AuthEvent) => void;
}

export function sentCookies(req: Request): CookiePair[] {
  return parseCookieHeader(req.headers.cookie);
}

/** The request's live session, with any refreshed cookie already added to the response. */
export async function currentSession(ctx: AuthRoutesContext, req: Request, res: Response): Promise<SessionState | undefined> {
  const check = await ctx.sessions.check(sentCookies(req), ctx.secure);
  if (check.kind !== 'valid') return undefined;
  if (check.setCookies.length > 0) res.append('set-cookie', [...check.setCookies]);
  return check.state;
}

export function publicOrigin(ctx: AuthRoutesContext): string {
  return new URL(ctx.publicUrl).origin;
}
