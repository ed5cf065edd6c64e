import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BearerAuthenticator } from '../../src/auth/bearer.js';
import { nowPlus, startTestIdp, type TestIdp } from '../fakes/idp.js';
import { identityConfig } from '../identity/auth-helpers.js';

describe('where bearer keys come from', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp({});
  });
  after(() => idp.close());

  const forge = (iss: string) => idp.sign({ iss, aud: 'changegate', sub: 'svc', client_id: 'svc', exp: nowPlus(60) });

  it('uses a configured jwksUri without discovery', async () => {
    const iss = 'http://issuer.invalid';
    const auth = new BearerAuthenticator(identityConfig([{ issuer: iss, jwksUri: idp.jwksUri }]));
    const r = await auth.verify(await forge(iss));
    assert.equal(r.kind, 'authenticated');
    assert.equal(r.kind === 'authenticated' && r.identity.issuer, iss);
  });

  it('refuses discovery that names another issuer (503: not the caller’s fault)', async () => {
    const alias = idp.issuer.replace('127.0.0.1', 'localhost');
    const auth = new BearerAuthenticator(identityConfig([{ issuer: alias }]));
    const r = await auth.verify(await forge(alias));
    assert.equal(r.kind, 'rejected');
    assert.equal(r.kind === 'rejected' && r.error.status, 503);
  });

  it('fetches discovery and keys once for many requests', async () => {
    const before = idp.jwksFetches();
    const auth = new BearerAuthenticator(identityConfig([{ issuer: idp.issuer }]), { cacheSize: 0 });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => idp.mintClientToken('ci-runner')));
    const results = await Promise.all(tokens.map((t) => auth.verify(t)));
    assert.ok(results.every((r) => r.kind === 'authenticated'));
    assert.equal(idp.jwksFetches() - before, 1, 'concurrent first requests share one fetch');
  });
});
