// The auth builder: who is calling (PATs, bearer JWTs, the browser session, in that order), the
// signed identity assertion upstreams may verify, what an anonymous request that policy refused
// gets (a sign-in redirect or a 401), and the proxy's own endpoints under /.changegate.

import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import helmet from 'helmet';
import { AssertionSigner } from '../auth/assertion.js';
import { authenticationChain } from '../auth/authenticate.js';
import { BearerAuthenticator } from '../auth/bearer.js';
import { respondUnauthenticated } from '../auth/session/challenge.js';
import type { AuthRequest, AuthResult, Authenticator } from '../auth/types.js';
import { createBrowserAuth, type BrowserAuth } from '../auth/web/setup.js';
import type { Config } from '../config/schema.js';
import { ChangegateError } from '../errors.js';
import { sendError } from '../http/respond.js';
import { assertionJwks, loadAssertionKey } from '../identity/assertion-key.js';
import type { Logger } from '../observability/logger.js';
import type { AuthenticatedIdentity } from '../identity/types.js';
import type { Exchange } from '../pipeline/types.js';

export interface Auth {
  authenticate(request: AuthRequest): Promise<AuthResult>;
  challenge(exchange: Exchange): void;
  readonly assertions: AssertionSigner;
  /** Serves /.changegate/... (sign-in, tokens, JWKS, and what is mounted on `pages`). */
  ownEndpoints(req: IncomingMessage, res: ServerResponse): void;
  /** Routes under /.changegate that other parts add (the deployments page); they authenticate with `identify`. */
  readonly pages: express.Router;
  /** Who is calling one of our own pages (session, bearer or PAT), or undefined for nobody. */
  identify(req: IncomingMessage): Promise<AuthenticatedIdentity | undefined>;
  /** Revokes the access tokens bound to a change; resolves to how many. */
  revokeForChange(change: number): Promise<number>;
  close(): Promise<void>;
}

export async function buildAuth(config: Config, logger: Logger): Promise<Auth> {
  const browser = await createBrowserAuth(config, { warn: (m) => logger.warn(m), onEvent: (e) => logger.info({ authEvent: e }, 'auth') });
  const assertionKey = await loadAssertionKey({ stateDir: config.stateDir });
  for (const warning of assertionKey.warnings) logger.warn(warning);

  const authenticators: Authenticator[] = [browser.patAuthenticator];
  if (config.identity.bearer.length > 0) authenticators.push(new BearerAuthenticator(config.identity));
  authenticators.push(browser.sessionAuthenticator);
  const chain = authenticationChain(authenticators);

  const pages = express.Router();
  const own = ownEndpoints(browser, assertionJwks([assertionKey.key]), pages);
  return {
    authenticate: (request) => chain.authenticate(request),
    challenge: (exchange) => respondUnauthenticated(exchange.req, exchange.res, { target: exchange.target, requestId: exchange.requestId, secure: browser.secure }),
    assertions: new AssertionSigner({ key: assertionKey.key, issuer: config.publicUrl }),
    ownEndpoints: (req, res) => own(req, res),
    pages,
    identify: async (req) => {
      const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
      const result = await chain.authenticate({
        req,
        target: { path, query: '' },
        client: { ip: req.socket.remoteAddress ?? '', proto: 'http', host: String(req.headers.host ?? ''), userAgent: String(req.headers['user-agent'] ?? '') },
      });
      return result.kind === 'authenticated' ? result.identity : undefined;
    },
    revokeForChange: (change) => browser.pats.onChangeClosed(change),
    close: () => browser.close(),
  };
}

function ownEndpoints(browser: BrowserAuth, jwks: unknown, pages: express.Router): express.Express {
  const own = express();
  own.disable('x-powered-by');
  own.set('trust proxy', false);
  own.use(helmet());
  own.get('/.changegate/jwks.json', (_req, res) => {
    res.set('cache-control', 'public, max-age=300').json(jwks);
  });
  own.use('/.changegate', browser.router);
  own.use('/.changegate', pages);
  own.use((req, res) => sendError(res, new ChangegateError('not_found', `${req.path} is not a Changegate endpoint`), String(res.getHeader('x-request-id') ?? '')));
  return own;
}
