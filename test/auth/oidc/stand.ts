// A test stand: the dev IdP (real oidc-provider), an express app that mounts the auth router and
// forwards everything else to a tiny upstream the way the proxy will (PAT then session
// authenticator, cookiesToForward, an identity header), and the upstream, which records what it
// received. Everything on 127.0.0.1, port 0.

import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { configSchema } from '../../../src/config/schema.js';
import type { Config } from '../../../src/config/schema.js';
import { startDevIdp, DEV_BROWSER_CLIENT_ID, DEV_BROWSER_CLIENT_SECRET } from '../../../src/identity/dev-idp.js';
import type { DevIdp } from '../../../src/identity/dev-idp.js';
import type { AuthenticatedIdentity } from '../../../src/identity/types.js';
import { createBrowserAuth } from '../../../src/auth/web/setup.js';
import type { BrowserAuth } from '../../../src/auth/web/setup.js';
import { respondUnauthenticated } from '../../../src/auth/session/challenge.js';
import { cookiesToForward, setCookiesFromUpstream, upstreamCookieRule } from '../../../src/auth/session/upstream-cookies.js';
import { GERRIT_SESSION_COOKIES } from '../../../src/upstreams/gerrit/session.js';
import type { Clock } from '../../../src/auth/session/types.js';
import type { NormalizedTarget } from '../../../src/pipeline/types.js';

/** What the proxy drops: our cookies and the upstream's (Gerrit's) session cookies. */
const dropCookie = upstreamCookieRule((name) => GERRIT_SESSION_COOKIES.has(name));

export interface UpstreamHit {
  readonly method: string;
  readonly path: string;
  readonly cookie?: string;
  readonly user?: string;
  readonly roles?: string;
  readonly headerBytes: number;
}

export interface StandOptions {
  readonly accessTokenTtlSeconds?: number;
  readonly sessionKeys?: readonly string[];
  readonly clock?: Clock;
  readonly maxGroups?: number;
  readonly idleSeconds?: number;
  readonly absoluteSeconds?: number;
  /** Extra scopes; default the config default (with offline_access). */
  readonly scopes?: readonly string[];
  /** Replaces the echo upstream (the hit is still recorded). */
  readonly upstream?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface Stand {
  readonly appUrl: string;
  readonly upstreamUrl: string;
  readonly idp: DevIdp;
  readonly auth: BrowserAuth;
  readonly config: Config;
  readonly hits: UpstreamHit[];
  url(p: string): URL;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function startUpstream(hits: UpstreamHit[], replacement?: (req: IncomingMessage, res: ServerResponse) => void): Server {
  return createServer((req, res) => {
    const headerBytes = req.rawHeaders.reduce((n, h) => n + h.length + 2, 0);
    const cookie = req.headers.cookie;
    const user = req.headers['x-forwarded-user'];
    const roles = req.headers['x-changegate-roles'];
    const hit: UpstreamHit = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headerBytes,
      ...(cookie === undefined ? {} : { cookie }),
      ...(typeof user === 'string' ? { user } : {}),
      ...(typeof roles === 'string' ? { roles } : {}),
    };
    hits.push(hit);
    if (replacement !== undefined) return replacement(req, res);
    // Like Gerrit's /login/, this sets its own session cookie; the proxy must not pass it on.
    const headers: Record<string, string | string[]> = { 'content-type': 'text/html; charset=utf-8' };
    if (req.url === '/login/') headers['set-cookie'] = [`GerritAccount=acct-${String(user)}; Path=/; HttpOnly`, 'theme=dark; Path=/'];
    res.writeHead(200, headers);
    res.end(`<!doctype html><title>upstream</title><p id="who">upstream sees ${String(user)}</p>`);
  });
}

async function authenticate(auth: BrowserAuth, req: IncomingMessage, target: NormalizedTarget) {
  const client = { ip: '127.0.0.1', proto: 'http' as const, host: req.headers.host ?? '', userAgent: '' };
  for (const a of [auth.patAuthenticator, auth.sessionAuthenticator]) {
    const result = await a.authenticate({ req, target, client });
    if (result.kind !== 'absent') return result;
  }
  return { kind: 'absent' as const };
}

function forward(upstream: string, req: IncomingMessage, res: ServerResponse, identity: AuthenticatedIdentity, setCookies: readonly string[]): void {
  const headers: Record<string, string> = { 'x-forwarded-user': identity.username, 'x-changegate-roles': identity.roles.join(',') };
  for (const name of ['content-type', 'content-length', 'content-encoding', 'accept', 'git-protocol']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const cookie = cookiesToForward(req.headers.cookie, dropCookie);
  if (cookie !== undefined) headers['cookie'] = cookie;
  const out = httpRequest(new URL(req.url ?? '/', upstream), { method: req.method, headers }, (up) => {
    const passed = setCookiesFromUpstream(up.headers['set-cookie'], dropCookie);
    res.writeHead(up.statusCode ?? 502, {
      'content-type': up.headers['content-type'] ?? 'text/plain',
      'cache-control': up.headers['cache-control'] ?? 'no-store',
      'set-cookie': [...passed, ...setCookies],
    });
    up.pipe(res);
  });
  out.on('error', () => res.writeHead(502).end());
  req.pipe(out);
}

export async function startStand(options: StandOptions = {}): Promise<Stand> {
  const hits: UpstreamHit[] = [];
  const upstream = startUpstream(hits, options.upstream);
  const upstreamUrl = `http://127.0.0.1:${await listen(upstream)}`;
  let handler: express.Express | undefined;
  const appServer = createServer((req, res) => (handler === undefined ? res.writeHead(503).end() : handler(req, res)));
  const appUrl = `http://127.0.0.1:${await listen(appServer)}`;
  const idp = await startDevIdp({
    clients: [{
      kind: 'browser',
      clientId: DEV_BROWSER_CLIENT_ID,
      clientSecret: DEV_BROWSER_CLIENT_SECRET,
      redirectUris: [`${appUrl}/.changegate/callback`],
      postLogoutRedirectUris: [`${appUrl}/`],
    }],
    ...(options.accessTokenTtlSeconds === undefined ? {} : { accessTokenTtlSeconds: options.accessTokenTtlSeconds }),
  });
  const stateDir = await mkdtemp(path.join(tmpdir(), 'changegate-auth-'));
  const config = configSchema.parse({
    publicUrl: appUrl,
    stateDir,
    upstreams: { gerrit: { url: upstreamUrl } },
    identity: {
      oidc: { issuer: idp.issuer, clientId: DEV_BROWSER_CLIENT_ID, clientSecret: DEV_BROWSER_CLIENT_SECRET, ...(options.scopes ? { scopes: options.scopes } : {}) },
      session: {
        ...(options.sessionKeys === undefined ? {} : { keys: options.sessionKeys }),
        ...(options.maxGroups === undefined ? {} : { maxGroups: options.maxGroups }),
        ...(options.idleSeconds === undefined ? {} : { idleLifetimeSeconds: options.idleSeconds }),
        ...(options.absoluteSeconds === undefined ? {} : { absoluteLifetimeSeconds: options.absoluteSeconds }),
      },
      roles: { reviewer: { groups: ['gerrit-reviewers'] }, operator: { groups: ['data-operators'] }, admin: { groups: ['platform-admins'] } },
    },
  });
  const auth = await createBrowserAuth(config, { warn: () => undefined, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  const app = express();
  app.use('/.changegate', auth.router);
  app.use(async (req, res) => {
    const q = req.originalUrl.indexOf('?');
    const target: NormalizedTarget = { path: req.path, query: q < 0 ? '' : req.originalUrl.slice(q + 1) };
    const result = await authenticate(auth, req, target);
    if (result.kind !== 'authenticated') {
      return respondUnauthenticated(req, res, { target, requestId: 'test', secure: false, ...(result.kind === 'rejected' ? { error: result.error } : {}) });
    }
    forward(upstreamUrl, req, res, result.identity, result.setCookies ?? []);
  });
  handler = app;
  return {
    appUrl,
    upstreamUrl,
    idp,
    auth,
    config,
    hits,
    url: (p) => new URL(p, appUrl),
    async close() {
      await auth.close();
      await closeServer(appServer);
      await closeServer(upstream);
      await idp.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
