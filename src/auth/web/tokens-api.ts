// JSON API for personal access tokens: GET/POST /.changegate/api/tokens, DELETE
// /.changegate/api/tokens/:id. A browser session may do everything, with the CSRF token in the
// X-Changegate-CSRF header for changes (GET returns it). A PAT may list and revoke its owner's
// tokens but never mint: a token that could mint tokens would outlive its own expiry and escape
// its ceiling or change binding.

import express from 'express';
import type { Request, Response, Router } from 'express';
import { ChangegateError, isChangegateError } from '../../errors.js';
import type { AuthenticatedIdentity } from '../../identity/types.js';
import { CSRF_HEADER, csrfToken, verifyCsrf } from '../csrf.js';
import { presentedPat } from '../pat/authenticator.js';
import type { PatService } from '../pat/service.js';
import { currentSession } from './context.js';
import type { AuthRoutesContext } from './context.js';

type Caller =
  | { readonly kind: 'session'; readonly identity: AuthenticatedIdentity & { via: 'oidc' }; readonly sid: string }
  | { readonly kind: 'pat'; readonly identity: AuthenticatedIdentity };

export function sendApiError(res: Response, e: unknown): void {
  const err = isChangegateError(e) ? e : new ChangegateError('internal', 'internal error');
  const requestId = String(res.getHeader('x-request-id') ?? '');
  res.status(err.status).set({ 'cache-control': 'no-store', ...err.headers }).json(err.toBody(requestId));
}

async function callerOf(ctx: AuthRoutesContext, pats: PatService, req: Request, res: Response): Promise<Caller> {
  const session = await currentSession(ctx, req, res);
  if (session !== undefined) return { kind: 'session', identity: ctx.sessions.identityOf(session), sid: session.sid };
  const presented = presentedPat(req.headers.authorization);
  if (presented.kind === 'pat') {
    const checked = await pats.check(presented.token, presented.username);
    if (checked.ok) return { kind: 'pat', identity: checked.identity };
    throw new ChangegateError('unauthenticated', checked.reason);
  }
  throw new ChangegateError('unauthenticated', 'sign in first (/.changegate/login) or present an access token', {
    headers: { 'www-authenticate': 'Basic realm="changegate"' },
  });
}

function requireCsrf(ctx: AuthRoutesContext, caller: Caller, req: Request): void {
  if (caller.kind === 'session' && !verifyCsrf(ctx.codec.keyring, caller.sid, req.get(CSRF_HEADER))) {
    throw new ChangegateError('forbidden', `missing or wrong ${CSRF_HEADER} header; GET /.changegate/api/tokens returns the token`);
  }
}

export function mountTokensApi(router: Router, ctx: AuthRoutesContext, pats: PatService): void {
  const handle = (fn: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      await fn(req, res);
    } catch (e) {
      sendApiError(res, e);
    }
  };

  router.get('/api/tokens', handle(async (req, res) => {
    const caller = await callerOf(ctx, pats, req, res);
    const tokens = await pats.list(caller.identity);
    const csrf = caller.kind === 'session' ? { csrfToken: csrfToken(ctx.codec.keyring, caller.sid) } : {};
    res.set('cache-control', 'no-store').json({ tokens, ...csrf });
  }));

  router.post('/api/tokens', express.json({ limit: '16kb' }), handle(async (req, res) => {
    const caller = await callerOf(ctx, pats, req, res);
    if (caller.kind !== 'session') throw new ChangegateError('forbidden', 'minting a token needs a browser session, not an access token');
    requireCsrf(ctx, caller, req);
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const { token, summary } = await pats.mint(caller.identity, {
      name: body['name'],
      expiresInSeconds: body['expiresInSeconds'],
      roles: body['roles'],
      change: body['change'],
    });
    ctx.onEvent?.({ event: 'token_minted', subject: caller.identity.id, tokenId: summary.id });
    res.status(201).set('cache-control', 'no-store').json({ ...summary, token, username: caller.identity.username });
  }));

  router.delete('/api/tokens/:id', handle(async (req, res) => {
    const caller = await callerOf(ctx, pats, req, res);
    requireCsrf(ctx, caller, req);
    const id = String(req.params['id']);
    if (!(await pats.revoke(caller.identity, id))) throw new ChangegateError('not_found', 'you have no token with this id');
    ctx.onEvent?.({ event: 'token_revoked', subject: caller.identity.id, tokenId: id });
    res.status(204).end();
  }));
}
