// Sign-in when the IdP is down or not configured: a clear page, never a stack or a loop.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createAuthRouter } from '../../../src/auth/web/router.js';
import type { AuthRoutesContext } from '../../../src/auth/web/context.js';
import { OidcClient } from '../../../src/auth/oidc/client.js';
import { SessionAuthenticator } from '../../../src/auth/session/authenticator.js';
import { SessionCodec } from '../../../src/auth/session/codec.js';
import { keyringFromSecrets } from '../../../src/auth/session/keys.js';
import { systemClock } from '../../../src/auth/session/types.js';
import { Jar, request } from './jar.js';

const servers: Server[] = [];
let deadIssuer = '';

function serve(app: express.Express): Promise<string> {
  const server = createServer(app);
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

before(async () => {
  // A port that was open a moment ago and is closed now: connection refused, quickly.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  deadIssuer = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((r) => probe.close(() => r()));
});

after(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
});

function context(oidc: OidcClient | undefined): AuthRoutesContext {
  const codec = new SessionCodec(keyringFromSecrets(['unreachable-test-secret-unreachable-01']), { absoluteSeconds: 3600, idleSeconds: 600 });
  const shape = { lifetimes: codec.lifetimes, maxGroups: 10, namedGroups: new Set<string>(), profile: { usernameClaim: 'preferred_username', groupsClaim: 'groups' } };
  return {
    publicUrl: 'http://127.0.0.1:9',
    secure: false,
    codec,
    shape,
    clock: systemClock,
    sessions: new SessionAuthenticator({ codec, shape, roles: () => ['viewer'], clock: systemClock, secure: false }),
    ...(oidc === undefined ? {} : { oidc }),
  };
}

test('an unreachable IdP gives a 503 page at sign-in', async () => {
  const oidc = new OidcClient({ issuer: deadIssuer, clientId: 'c', clientSecret: 's', scopes: ['openid'], redirectUri: 'http://127.0.0.1:9/.changegate/callback', timeoutSeconds: 2 });
  const app = express();
  app.use('/.changegate', createAuthRouter(context(oidc)));
  const base = await serve(app);
  const res = await request(new Jar(), new URL('/.changegate/login?rd=/x', base));
  assert.equal(res.status, 503);
  assert.match(res.body, /could not be reached/);
  assert.match(res.body, /href="\/\.changegate\/login\?rd=%2Fx"/);
  assert.equal(res.headers.getSetCookie().length, 0, 'no transaction is started');
});

test('without identity.oidc the sign-in routes say so', async () => {
  const app = express();
  app.use('/.changegate', createAuthRouter(context(undefined)));
  const base = await serve(app);
  const res = await request(new Jar(), new URL('/.changegate/login', base));
  assert.equal(res.status, 404);
  assert.match(res.body, /not configured/);
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
});
