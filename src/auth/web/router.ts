// The express Router for everything under /.changegate/ that belongs to sign-in and tokens.
// Mount it at '/.changegate'. helmet sets the security headers; the CSP forbids scripts (the
// pages have none) and lets forms post only to us, plus the IdP for the sign-out hand-off
// (Chrome applies form-action to the redirect that follows a form POST).

import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import helmet from 'helmet';
import { ChangegateError } from '../../errors.js';
import type { AuthRoutesContext } from './context.js';
import { sendPage } from './html.js';
import { mountLogout } from './logout.js';
import { mountSignIn } from './signin.js';
import { mountTokensApi, sendApiError } from './tokens-api.js';
import { mountTokensPage } from './tokens-page.js';

function securityHeaders(ctx: AuthRoutesContext): express.RequestHandler {
  const formAction = ["'self'"];
  if (ctx.oidc !== undefined) formAction.push(new URL(ctx.oidc.options.issuer).origin);
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ["'self'"],
        formAction,
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    // Over plain http (development) HSTS would be ignored at best and sticky at worst.
    strictTransportSecurity: ctx.secure,
    referrerPolicy: { policy: 'no-referrer' },
  });
}

export function createAuthRouter(ctx: AuthRoutesContext): Router {
  const router = express.Router();
  router.use(securityHeaders(ctx));
  mountSignIn(router, ctx);
  mountLogout(router, ctx);
  if (ctx.pats !== undefined) {
    mountTokensPage(router, ctx, ctx.pats);
    mountTokensApi(router, ctx, ctx.pats);
  }
  // Body parser failures and anything unexpected: a plain answer, never a stack trace.
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    const client = status >= 400 && status < 500;
    if (req.path.startsWith('/api/')) {
      return sendApiError(res, client ? new ChangegateError('bad_request', 'the request body could not be read') : err);
    }
    sendPage(res, client ? 400 : 500, client ? 'Bad request' : 'Something went wrong', '<p>The request could not be handled. <a href="/">Home</a></p>');
  });
  return router;
}
