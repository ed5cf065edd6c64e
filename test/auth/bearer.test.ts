import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { BearerAuthenticator, looksLikeJwt } from '../../src/auth/bearer.js';
import type { AuthResult } from '../../src/auth/types.js';
import type { BearerIdentity } from '../../src/identity/types.js';
import { generateSigningKey, nowPlus, startTestIdp, type TestIdp } from '../fakes/idp.js';
import { authRequest, b64url, identityConfig } from '../identity/auth-helpers.js';

/** An issuer URL on a loopback port nothing listens on. */
async function closedPortIssuer(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

function identityOf(result: AuthResult): BearerIdentity {
  assert.equal(result.kind, 'authenticated', result.kind === 'rejected' ? result.error.message : 'absent');
  assert.equal(result.identity.via, 'bearer');
  return result.identity as BearerIdentity;
}

function rejection(result: AuthResult): { status: number; reason: string; challenge: string | undefined } {
  assert.equal(result.kind, 'rejected');
  return { status: result.error.status, reason: result.error.message, challenge: result.error.headers?.['WWW-Authenticate'] };
}

describe('bearer JWT authenticator against a real oidc-provider', () => {
  let idp: TestIdp;
  let other: TestIdp;
  let auth: BearerAuthenticator;

  before(async () => {
    idp = await startTestIdp({
      clients: [
        { kind: 'machine', clientId: 'ci-runner', clientSecret: 'ci-secret', audience: 'changegate' },
        { kind: 'machine', clientId: 'etl-bot', clientSecret: 'etl-secret', groups: ['data-operators'] },
      ],
    });
    other = await startTestIdp({});
    auth = new BearerAuthenticator(identityConfig([{ issuer: idp.issuer }, { issuer: other.issuer }]), { refetchFloorMs: 60_000 });
  });
  after(async () => {
    await idp.close();
    await other.close();
  });

  const claims = (extra: Record<string, unknown> = {}) => ({
    iss: idp.issuer,
    aud: 'changegate',
    sub: 'alice',
    azp: 'changegate-cli',
    preferred_username: 'alice',
    email: 'alice@example.test',
    groups: ['platform-admins', 'misc'],
    iat: nowPlus(0),
    exp: nowPlus(300),
    ...extra,
  });

  it('accepts a client_credentials token with the machine identity and only mapped roles', async () => {
    const token = await idp.mintClientToken('ci-runner');
    const id = identityOf(await auth.authenticate(authRequest({ authorization: `Bearer ${token}` })));
    assert.equal(id.id, 'ci-runner');
    assert.equal(id.clientId, 'ci-runner');
    assert.equal(id.username, 'ci-runner');
    assert.equal(id.human, false);
    assert.equal(id.issuer, idp.issuer);
    assert.deepEqual(id.roles, ['ci']);
    assert.equal(typeof id.tokenId, 'string');
    assert.ok(id.expiresAt !== undefined && id.expiresAt > nowPlus(0));
  });

  it('maps a machine group claim to a role, and the scheme name is case-insensitive', async () => {
    const token = await idp.mintClientToken('etl-bot');
    const id = identityOf(await auth.authenticate(authRequest({ authorization: `bearer ${token}` })));
    assert.deepEqual(id.groups, ['data-operators']);
    assert.deepEqual(id.roles, ['operator']);
  });

  it('treats a person token as human: viewer plus mapped roles', async () => {
    const id = identityOf(await auth.verify(await idp.sign(claims())));
    assert.equal(id.human, true);
    assert.equal(id.username, 'alice');
    assert.equal(id.email, 'alice@example.test');
    assert.equal(id.clientId, 'changegate-cli');
    assert.deepEqual(id.roles, ['viewer', 'admin']);
  });

  it('accepts exp and nbf within the 60 s skew, rejects beyond it', async () => {
    identityOf(await auth.verify(await idp.sign(claims({ exp: nowPlus(-30) }))));
    identityOf(await auth.verify(await idp.sign(claims({ nbf: nowPlus(30) }))));
    const expired = rejection(await auth.verify(await idp.sign(claims({ exp: nowPlus(-120) }))));
    assert.equal(expired.status, 401);
    assert.match(expired.reason, /expired/);
    assert.match(expired.challenge ?? '', /^Bearer realm="changegate", error="invalid_token", error_description="[^"]*expired/);
    assert.match(rejection(await auth.verify(await idp.sign(claims({ nbf: nowPlus(300) })))).reason, /not valid yet/);
  });

  it('requires exp and sub', async () => {
    const { exp: _exp, ...noExp } = claims();
    assert.match(rejection(await auth.verify(await idp.sign(noExp))).reason, /no exp claim/);
    const { sub: _sub, ...noSub } = claims();
    assert.match(rejection(await auth.verify(await idp.sign(noSub))).reason, /no sub claim/);
  });

  it('rejects a token for another audience, minted by the IdP', async () => {
    const token = await idp.mintClientToken('ci-runner', { audience: 'some-other-api' });
    assert.match(rejection(await auth.verify(token)).reason, /another audience; request one for changegate/);
  });

  it('rejects an untrusted issuer, and a trusted issuer name over the other issuer key', async () => {
    assert.match(rejection(await auth.verify(await idp.sign(claims({ iss: 'http://127.0.0.1:1/evil' })))).reason, /not issued by an issuer/);
    // Signed by idp's key but claiming to be `other`: other's keys must be used, and fail.
    const crossed = await idp.sign(claims({ iss: other.issuer }));
    assert.match(rejection(await auth.verify(crossed)).reason, /unknown kid|signature/);
  });

  it('rejects alg none', async () => {
    const unsigned = `${b64url({ alg: 'none', typ: 'at+jwt' })}.${b64url(claims())}.`;
    assert.equal(looksLikeJwt(unsigned), true, 'it is ours to reject, not absent');
    assert.match(rejection(await auth.verify(unsigned)).reason, /signing algorithm is not accepted/);
  });

  it('rejects HS256 signed with the public key (algorithm confusion)', async () => {
    const signer = idp.keys[0];
    assert.ok(signer?.kid);
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = signer;
    const pem = createPublicKey({ key: publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const forged = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: signer.kid, typ: 'at+jwt' })
      .sign(new TextEncoder().encode(String(pem)));
    assert.match(rejection(await auth.verify(forged)).reason, /signing algorithm is not accepted/);
  });

  it('rejects a tampered payload and a tampered signature', async () => {
    const token = await idp.mintClientToken('ci-runner');
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const escalated = `${h}.${b64url({ ...payload, client_id: 'admin-bot', sub: 'admin-bot' })}.${s}`;
    assert.match(rejection(await auth.verify(escalated)).reason, /signature does not verify/);
    const flipped = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
    assert.match(rejection(await auth.verify(flipped)).reason, /signature does not verify/);
  });

  it('rejects a token whose typ says it is something else', async () => {
    const logout = await idp.sign(claims(), { header: { typ: 'logout+jwt' } });
    assert.match(rejection(await auth.verify(logout)).reason, /not an access token/);
    identityOf(await auth.verify(await idp.sign(claims(), { header: { typ: 'JWT' } })));
  });

  it('remembers a verified token, so the same identity comes back cheaply', async (t) => {
    const token = await idp.mintClientToken('ci-runner');
    const req = () => authRequest({ authorization: `Bearer ${token}` });
    const first = identityOf(await auth.authenticate(req()));
    assert.equal(identityOf(await auth.authenticate(req())), first);
    const uncached = new BearerAuthenticator(identityConfig([{ issuer: idp.issuer }]), { cacheSize: 0 });
    assert.notEqual(identityOf(await uncached.authenticate(req())), first);
    const cost = async (a: BearerAuthenticator): Promise<number> => {
      const one = req();
      const start = process.hrtime.bigint();
      for (let i = 0; i < 200; i++) await a.authenticate(one);
      return Number(process.hrtime.bigint() - start) / 1000 / 200;
    };
    t.diagnostic(`bearer: ${(await cost(uncached)).toFixed(1)} us/request verifying, ${(await cost(auth)).toFixed(1)} us/request remembered`);
  });

  it('leaves non-JWT credentials to other authenticators', async () => {
    for (const authorization of ['Bearer cgp_abcdef0123456789', 'Basic YWxpY2U6c2VjcmV0', 'Bearer a.b', 'Bearer']) {
      assert.deepEqual(await auth.authenticate(authRequest({ authorization })), { kind: 'absent' }, authorization);
    }
    assert.deepEqual(await auth.authenticate(authRequest({})), { kind: 'absent' });
  });
});

describe('bearer JWKS refetching', () => {
  let idp: TestIdp;
  let clock = 1_000_000;
  const FLOOR = 30_000;
  let auth: BearerAuthenticator;

  before(async () => {
    idp = await startTestIdp({});
    auth = new BearerAuthenticator(identityConfig([{ issuer: idp.issuer }]), { refetchFloorMs: FLOOR, now: () => clock });
  });
  after(() => idp.close());

  it('holds the refetch floor under a burst of unknown kids, then picks up a rotated key', async () => {
    identityOf(await auth.verify(await idp.mintClientToken('ci-runner')));
    const baseline = idp.jwksFetches();
    assert.equal(baseline, 1);

    const strangers = await Promise.all([1, 2, 3].map((i) => generateSigningKey(`ghost-${i}`)));
    const forged = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        idp.sign({ iss: idp.issuer, aud: 'changegate', sub: 'x', exp: nowPlus(60) }, { key: strangers[i % 3] }),
      ),
    );
    clock += FLOOR; // the first unknown kid may refetch once...
    const results = await Promise.all(forged.map((t) => auth.verify(t)));
    for (const r of results) assert.match(rejection(r).reason, /unknown kid/);
    for (const t of forged.slice(0, 10)) assert.match(rejection(await auth.verify(t)).reason, /unknown kid/);
    assert.equal(idp.jwksFetches(), baseline + 1, '...and then no more within the floor');

    // The IdP rotates: the new key signs, the old one is still published.
    idp.setKeys([await generateSigningKey('rotated'), ...idp.keys]);
    const fresh = await idp.mintClientToken('ci-runner');
    assert.match(rejection(await auth.verify(fresh)).reason, /unknown kid/, 'within the floor the new kid is not fetched');
    clock += FLOOR;
    identityOf(await auth.verify(fresh));
    assert.equal(idp.jwksFetches(), baseline + 2);
  });

  it('holds the floor when the key endpoint fails, too', async () => {
    let hits = 0;
    const broken = createServer((_req, res) => {
      hits += 1;
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    try {
      const iss = 'http://issuer.invalid';
      const jwksUri = `http://127.0.0.1:${(broken.address() as AddressInfo).port}/jwks`;
      const a = new BearerAuthenticator(identityConfig([{ issuer: iss, jwksUri }]), { refetchFloorMs: FLOOR, now: () => clock });
      const token = await idp.sign({ iss, aud: 'changegate', sub: 'x', exp: nowPlus(60) });
      for (let i = 0; i < 20; i++) assert.equal((await a.verify(token)).kind, 'rejected');
      assert.equal(hits, 1);
      clock += FLOOR;
      await a.verify(token);
      assert.equal(hits, 2);
    } finally {
      broken.closeAllConnections();
      await new Promise<void>((r) => broken.close(() => r()));
    }
  });

  it('keeps the last good keys when the IdP is down, and answers 503 when it never had any', async () => {
    const token = await idp.mintClientToken('ci-runner');
    const nobody = await closedPortIssuer();
    const down = new BearerAuthenticator(identityConfig([{ issuer: nobody }]), { refetchFloorMs: FLOOR, now: () => clock });
    const forged = await idp.sign({ iss: nobody, aud: 'changegate', sub: 'x', exp: nowPlus(60) });
    const r = await down.verify(forged);
    assert.equal(r.kind, 'rejected');
    assert.equal(r.kind === 'rejected' && r.error.status, 503);
    assert.match(r.kind === 'rejected' ? r.error.message : '', /could not be fetched/);

    await idp.close();
    clock += 3_600_000; // keys are stale; the refresh fails; the cached keys still verify
    identityOf(await auth.verify(token));
  });
});
