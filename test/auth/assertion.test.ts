import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { AssertionSigner, loadAssertionKey } from '../../src/auth/assertion.js';
import { assertionJwks, generateAssertionKey, type AssertionKey } from '../../src/identity/assertion-key.js';
import type { BearerIdentity } from '../../src/identity/types.js';

const ALICE: BearerIdentity = {
  kind: 'authenticated',
  via: 'bearer',
  id: 'alice',
  username: 'alice',
  email: 'alice@example.test',
  groups: ['platform-admins', ...Array.from({ length: 300 }, (_, i) => `filler-group-${i}`)],
  roles: ['viewer', 'admin'],
  issuer: 'http://idp.test',
  human: true,
};

describe('assertion key', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cg-assert-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is generated once into the state dir with mode 0600, then reused', async () => {
    const stateDir = join(dir, 'state');
    const [a, b] = await Promise.all([loadAssertionKey({ stateDir }), loadAssertionKey({ stateDir })]);
    assert.equal([a, b].filter((l) => l.created).length, 1, 'concurrent starters agree on one key');
    assert.equal(a.key.kid, b.key.kid);
    assert.ok(a.path);
    assert.equal((await stat(a.path)).mode & 0o777, 0o600);
    const again = await loadAssertionKey({ stateDir });
    assert.equal(again.created, false);
    assert.equal(again.key.kid, a.key.kid);
    assert.deepEqual(again.warnings, []);
    await chmod(a.path, 0o644);
    assert.match((await loadAssertionKey({ stateDir })).warnings[0] ?? '', /readable by others/);
  });

  it('accepts a supplied key and refuses a non-P-256 one', async () => {
    const k = generateAssertionKey();
    assert.equal((await loadAssertionKey({ stateDir: dir, jwk: k.privateJwk })).key.kid, k.kid);
    await assert.rejects(loadAssertionKey({ stateDir: dir, jwk: { kty: 'oct', k: 'AAAA' } }), /P-256/);
  });

  it('never serves the private part', () => {
    const jwks = assertionJwks([generateAssertionKey()]);
    assert.equal(jwks.keys.length, 1);
    assert.equal((jwks.keys[0] as { d?: string }).d, undefined);
  });
});

describe('X-Changegate-Assertion', () => {
  let key: AssertionKey;
  let server: Server;
  let jwksUrl: URL;
  let clock = Date.UTC(2026, 0, 1);

  before(async () => {
    key = generateAssertionKey();
    // Served the way /.changegate/jwks.json serves it, over a real socket.
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(assertionJwks([key]))));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    jwksUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.changegate/jwks.json`);
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('verifies against the served JWKS and says who, with bounded groups', async () => {
    const signer = new AssertionSigner({ key, issuer: 'http://127.0.0.1:8080' });
    const token = signer.assertionFor(ALICE, 'gerrit', 'req-1');
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(jwksUrl), {
      issuer: 'http://127.0.0.1:8080',
      audience: 'gerrit',
      algorithms: ['ES256'],
    });
    assert.equal(protectedHeader.kid, key.kid);
    assert.equal(payload.sub, 'alice');
    assert.equal(payload['username'], 'alice');
    assert.equal(payload['email'], 'alice@example.test');
    assert.equal(payload['via'], 'bearer');
    assert.equal(payload.jti, 'req-1');
    assert.deepEqual(payload['roles'], ['viewer', 'admin']);
    const groups = payload['groups'] as string[];
    assert.equal(groups[0], 'platform-admins');
    assert.ok(groups.length <= 64);
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 60);
  });

  it('does not verify for another audience or when tampered', async () => {
    const token = new AssertionSigner({ key, issuer: 'http://cg' }).assertionFor(ALICE, 'gerrit', 'r');
    const jwks = createRemoteJWKSet(jwksUrl);
    await assert.rejects(jwtVerify(token, jwks, { audience: 'dagster' }), /aud/);
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, roles: ['admin'], sub: 'mallory' })).toString('base64url')}.${s}`;
    await assert.rejects(jwtVerify(forged, jwks), /signature/);
  });

  it('reuses an assertion per identity and audience until its margin, and never outlives the credential', () => {
    const signer = new AssertionSigner({ key, issuer: 'http://cg', ttlSeconds: 60, marginSeconds: 15, now: () => clock });
    const first = signer.assertionFor(ALICE, 'gerrit', 'r1');
    assert.equal(signer.assertionFor({ ...ALICE }, 'gerrit', 'r2'), first, 'an equal identity reuses it');
    assert.notEqual(signer.assertionFor(ALICE, 'dagster', 'r3'), first, 'another audience gets its own');
    assert.notEqual(signer.assertionFor({ ...ALICE, roles: ['viewer'] }, 'gerrit', 'r4'), first, 'other roles get their own');
    clock += 46_000;
    assert.notEqual(signer.assertionFor(ALICE, 'gerrit', 'r5'), first, 'renewed within the margin');

    const nowS = Math.floor(clock / 1000);
    const short = signer.assertionFor({ ...ALICE, expiresAt: nowS + 10 }, 'gerrit', 'r6');
    const claims = JSON.parse(Buffer.from(short.split('.')[1] ?? '', 'base64url').toString()) as { exp: number };
    assert.equal(claims.exp, nowS + 10);
  });

  it('measures signing cost with and without reuse', (t) => {
    const N = 2000;
    const cost = (signer: AssertionSigner, fresh: boolean): number => {
      signer.assertionFor(ALICE, 'gerrit', 'warm-up');
      const start = process.hrtime.bigint();
      for (let i = 0; i < N; i++) signer.assertionFor(fresh ? { ...ALICE } : ALICE, 'gerrit', `r${i}`);
      return Number(process.hrtime.bigint() - start) / 1000 / N;
    };
    const uncached = cost(new AssertionSigner({ key, issuer: 'http://cg', cacheSize: 0 }), true);
    const byKey = cost(new AssertionSigner({ key, issuer: 'http://cg' }), true);
    const byObject = cost(new AssertionSigner({ key, issuer: 'http://cg' }), false);
    t.diagnostic(
      `assertion (301 groups): sign every request ${uncached.toFixed(1)} us; reuse, new identity object ${byKey.toFixed(2)} us; reuse, same object ${byObject.toFixed(2)} us`,
    );
    assert.ok([uncached, byKey, byObject].every(Number.isFinite));
  });
});
