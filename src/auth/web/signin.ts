// GET /.changegate/login and GET /.changegate/callback: authorization code + PKCE (S256), state and
// nonce, with the transaction sealed in a cookie of the browser that started it. Every failure is
// a short page saying what happened and offering a fresh start; nothing is retried on its own, so
// no failure can turn into a redirect loop.

import type { Request, Response, Router } from 'express';
import { LRUCache } from 'lru-cache';
import * as oidcErrors from 'openid-client';
import { safeReturnPath } from '../redirect.js';
import { OidcClient } from '../oidc/client.js';
import type { TokenSet } from '../oidc/client.js';
import { profileFromClaims, hasGroupsClaim } from '../oidc/profile.js';
import type { Profile } from '../oidc/profile.js';
import { clearTransactionCookie, openTransaction, transactionCookie } from '../oidc/transaction.js';
import { newSessionState } from '../session/build.js';
import { clearOwnCookies, cookieNames } from '../session/cookies.js';
import { publicOrigin, sentCookies } from './context.js';
import type { AuthRoutesContext } from './context.js';
import { sendSignInError } from './html.js';

const NOT_CONFIGURED = 'Browser sign-in is not configured on this proxy (identity.oidc).';

function queryString(req: Request, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

export function mountSignIn(router: Router, ctx: AuthRoutesContext): void {
  // States already redeemed here; a replayed callback is answered from this before the IdP is asked.
  const redeemed = new LRUCache<string, true>({ max: 20_000, ttl: 15 * 60_000 });

  router.get('/login', async (req, res) => {
    const returnTo = safeReturnPath(req.query['rd']);
    if (ctx.oidc === undefined) return sendSignInError(res, 404, NOT_CONFIGURED, returnTo);
    const checks = OidcClient.newChecks();
    let url: URL;
    try {
      url = await ctx.oidc.authorizationUrl(checks);
    } catch {
      return sendSignInError(res, 503, 'The identity provider could not be reached. Try again in a moment.', returnTo);
    }
    // Session fixation: whatever session cookie the browser holds is dropped when sign-in starts,
    // and the callback always mints a new session (oauth2-proxy GHSA-f24x-5g9q-753f).
    const session = cookieNames(ctx.secure).session;
    const clears = clearOwnCookies(sentCookies(req), ctx.secure).filter((c) => c.startsWith(session));
    const tx = await transactionCookie(ctx.codec.keyring, { ...checks, returnTo }, ctx.secure, ctx.clock());
    res.append('set-cookie', [...clears, tx]);
    res.set('cache-control', 'no-store').redirect(303, url.href);
  });

  router.get('/callback', async (req, res) => {
    if (ctx.oidc === undefined) return sendSignInError(res, 404, NOT_CONFIGURED, '/');
    await completeSignIn(ctx, ctx.oidc, redeemed, req, res);
  });
}

async function completeSignIn(
  ctx: AuthRoutesContext,
  oidc: OidcClient,
  redeemed: LRUCache<string, true>,
  req: Request,
  res: Response,
): Promise<void> {
  const now = ctx.clock();
  const sent = sentCookies(req);
  const opened = await openTransaction(ctx.codec.keyring, sent, ctx.secure, now);
  const fail = (status: number, what: string, returnTo = '/'): void => {
    ctx.onEvent?.({ event: 'signin_failed', reason: what });
    sendSignInError(res, status, what, returnTo);
  };
  if (!opened.ok) {
    return fail(400, opened.reason === 'missing'
      ? 'This sign-in has no matching start in this browser: it was already completed, or it began in another browser. Start again.'
      : 'This sign-in took too long or its cookie was damaged. Start again.');
  }
  const { tx } = opened;
  const idpError = queryString(req, 'error');
  if (idpError !== undefined) {
    res.append('set-cookie', clearTransactionCookie(ctx.secure));
    const description = queryString(req, 'error_description');
    return fail(idpError === 'access_denied' ? 403 : 400, `The identity provider refused the sign-in: ${idpError}${description ? ` (${description})` : ''}.`, tx.returnTo);
  }
  if (queryString(req, 'state') !== tx.state) {
    // Not cleared: the cookie may belong to a newer sign-in in another tab.
    return fail(400, 'The sign-in state does not match this browser (state mismatch). It may have been started in another tab. Start again.', tx.returnTo);
  }
  if (queryString(req, 'code') === undefined) return fail(400, 'The identity provider sent no authorization code.', tx.returnTo);
  if (redeemed.has(tx.state)) return fail(400, 'This sign-in was already completed (the code was used). Start again.', tx.returnTo);
  redeemed.set(tx.state, true);
  res.append('set-cookie', clearTransactionCookie(ctx.secure));

  let tokens: TokenSet;
  try {
    tokens = await oidc.exchange(new URL(req.originalUrl, publicOrigin(ctx)), tx);
  } catch (e) {
    const { status, what } = describeExchangeError(e);
    return fail(status, what, tx.returnTo);
  }
  const profile = await profileOf(ctx, oidc, tokens);
  if (!profile.ok) return fail(403, `Signed in, but ${profile.reason}.`, tx.returnTo);
  const state = newSessionState(profile.profile, tokens, ctx.shape, now);
  res.append('set-cookie', await ctx.codec.write(state, sent, ctx.secure, now));
  ctx.onEvent?.({ event: 'signin', subject: state.sub });
  res.set('cache-control', 'no-store').redirect(303, tx.returnTo);
}

async function profileOf(ctx: AuthRoutesContext, oidc: OidcClient, tokens: TokenSet): Promise<{ ok: true; profile: Profile } | { ok: false; reason: string }> {
  let claims = tokens.claims;
  // Some IdPs keep groups out of the ID token; userinfo has them.
  if (!hasGroupsClaim(claims, ctx.shape.profile.groupsClaim)) {
    try {
      const info = await oidc.userinfo(tokens.accessToken, String(claims['sub']));
      claims = { ...info, ...claims, [ctx.shape.profile.groupsClaim]: info[ctx.shape.profile.groupsClaim] };
    } catch {
      // No userinfo: sign in without groups rather than not at all.
    }
  }
  return profileFromClaims(claims, ctx.shape.profile);
}

function describeExchangeError(e: unknown): { status: number; what: string } {
  if (e instanceof oidcErrors.ResponseBodyError) {
    return {
      status: 400,
      what: e.error === 'invalid_grant'
        ? 'The identity provider did not accept the sign-in code (invalid_grant): it was already used or has expired. Start again.'
        : `The identity provider refused the code exchange (${e.error}).`,
    };
  }
  if (e instanceof oidcErrors.AuthorizationResponseError) return { status: 400, what: `The identity provider refused the sign-in (${e.error}).` };
  if (e instanceof oidcErrors.ClientError) return { status: 400, what: `The identity provider's answer failed validation (${e.code ?? 'invalid response'}).` };
  return { status: 502, what: 'The identity provider could not be reached to complete sign-in. Try again in a moment.' };
}
