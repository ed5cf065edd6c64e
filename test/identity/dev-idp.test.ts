import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { configSchema } from '../../src/config/schema.js';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  DEV_BROWSER_CLIENT_ID,
  DEV_BROWSER_CLIENT_SECRET,
  DEV_MACHINE_CLIENT_ID,
  defaultDevClients,
  devIdentityConfig,
  headlessSignIn,
  startDevIdp,
  type DevIdp,
} from '../fakes/idp.js';

const PUBLIC_URL = 'http://127.0.0.1:8080';

describe('development IdP', () => {
  let idp: DevIdp;
  let config: client.Configuration;

  before(async () => {
    // Started before the proxy's URL is known, as the demo and browser tests do.
    idp = await startDevIdp({ clients: defaultDevClients(PUBLIC_URL).filter((c) => c.kind === 'machine') });
    idp.setClients(defaultDevClients(PUBLIC_URL));
    config = await client.discovery(
      new URL(idp.issuer),
      DEV_BROWSER_CLIENT_ID,
      undefined,
      client.ClientSecretBasic(DEV_BROWSER_CLIENT_SECRET),
      { execute: [client.allowInsecureRequests] },
    );
  });
  after(() => idp.close());

  it('publishes discovery with the issuer and a JWKS', async () => {
    const meta = config.serverMetadata();
    assert.equal(meta.issuer, idp.issuer);
    assert.equal(meta.jwks_uri, idp.jwksUri);
    assert.ok(meta.end_session_endpoint, 'RP-initiated logout is advertised');
    assert.ok(meta.code_challenge_methods_supported?.includes('S256'));
  });

  it('mints client_credentials JWT access tokens for the default audience', async () => {
    const token = await idp.mintClientToken(DEV_MACHINE_CLIENT_ID);
    assert.equal(decodeProtectedHeader(token).typ, 'at+jwt');
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)), {
      issuer: idp.issuer,
      audience: 'changegate',
      algorithms: ['RS256'],
      typ: 'at+jwt',
    });
    assert.equal(payload.sub, DEV_MACHINE_CLIENT_ID);
    assert.equal(payload['client_id'], DEV_MACHINE_CLIENT_ID);
    assert.equal(typeof payload.exp, 'number');
  });

  it('mints for a named audience and scope', async () => {
    const token = await idp.mintClientToken(DEV_MACHINE_CLIENT_ID, { audience: 'elsewhere', scope: 'read' });
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)), { audience: 'elsewhere' });
    assert.equal(payload['scope'], 'read');
  });

  it('gives a config section the schema accepts', () => {
    const config = configSchema.parse({ upstreams: { gerrit: { url: 'http://127.0.0.1:8081' } }, identity: devIdentityConfig(idp.issuer) });
    assert.equal(config.identity.oidc?.issuer, idp.issuer);
    assert.deepEqual(config.identity.roles.ci?.clients, [DEV_MACHINE_CLIENT_ID]);
  });

  it('refuses to listen beyond loopback', async () => {
    await assert.rejects(startDevIdp({ host: '0.0.0.0', clients: [] }), /loopback only/);
  });

  it('refuses an unknown machine client', async () => {
    await assert.rejects(idp.mintClientToken('nobody'), /no machine client/);
  });

  it('signs a dev user in with code + PKCE and puts groups in the ID token, with a refresh token', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: `${PUBLIC_URL}/.changegate/callback`,
      scope: 'openid email profile groups offline_access',
      prompt: 'consent',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const callback = await headlessSignIn(url.href, 'bob');
    assert.equal(callback.pathname, '/.changegate/callback');
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    assert.ok(claims);
    assert.equal(claims.sub, 'bob');
    assert.equal(claims['preferred_username'], 'bob');
    assert.equal(claims['email'], 'bob@example.test');
    assert.deepEqual(claims['groups'], ['gerrit-reviewers']);
    assert.ok(tokens.refresh_token, 'offline_access with prompt=consent yields a refresh token');

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.deepEqual(refreshed.claims()?.['groups'], ['gerrit-reviewers']);
    const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: `${PUBLIC_URL}/` });
    assert.equal(end.origin, idp.issuer);
    const logout = await fetch(end, { redirect: 'manual' });
    assert.equal(logout.status, 200);
    assert.match(await logout.text(), /<form[^>]+method="post"/, 'the IdP asks to confirm sign-out');
  });

  it('survives a key rotation and serves both keys', async () => {
    const before = idp.keys;
    const { generateSigningKey } = await import('../fakes/idp.js');
    idp.setKeys([await generateSigningKey('rotated'), ...before]);
    const res = await fetch(idp.jwksUri);
    const jwks = (await res.json()) as { keys: { kid: string; d?: string }[] };
    assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), ['dev-1', 'rotated']);
    assert.ok(jwks.keys.every((k) => k.d === undefined), 'no private parts are served');
    const token = await idp.mintClientToken(DEV_MACHINE_CLIENT_ID);
    assert.equal(decodeProtectedHeader(token).kid, 'rotated');
  });
});
