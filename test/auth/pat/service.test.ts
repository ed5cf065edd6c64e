import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { FileTokenStore, TOKEN_FILE } from '../../../src/auth/pat/file-store.js';
import { MemoryTokenStore } from '../../../src/auth/pat/memory-store.js';
import { PatService, DEFAULT_PAT_SECONDS, MAX_PAT_SECONDS } from '../../../src/auth/pat/service.js';
import { PatAuthenticator, presentedPat } from '../../../src/auth/pat/authenticator.js';
import { hashPat } from '../../../src/auth/pat/token.js';
import { roleMapper } from '../../../src/auth/session/roles.js';
import type { OidcIdentity } from '../../../src/identity/types.js';
import type { TokenStore } from '../../../src/auth/pat/types.js';
import { eventually } from '../../fakes/poll.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

let now = 1_800_000_000;
const clock = () => now;
const roles = roleMapper({
  reviewer: { groups: ['gerrit-reviewers'], subjects: [], clients: [], emails: [] },
  admin: { groups: ['platform-admins'], subjects: [], clients: [], emails: [] },
});

const bob: OidcIdentity = {
  kind: 'authenticated', via: 'oidc', id: 'dev-u-bob', username: 'bob', email: 'bob@example.test', groups: ['gerrit-reviewers'],
  roles: ['viewer', 'reviewer'], issuer: 'http://idp', human: true, sessionId: 's1',
};

function service(store: TokenStore = new MemoryTokenStore()): PatService {
  return new PatService(store, roles, clock);
}

function authReq(authorization: string) {
  return {
    req: { headers: { authorization } } as unknown as IncomingMessage,
    target: { path: '/a/changes/', query: '' },
    client: { ip: '127.0.0.1', proto: 'http' as const, host: 'x', userAgent: 'git/2' },
  };
}
const basic = (user: string, token: string) => `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;

test('mint: default 8 hours, at most 30 days, the token has a recognizable prefix and only its hash is kept', async () => {
  const store = new MemoryTokenStore();
  const pats = service(store);
  const { token, summary } = await pats.mint(bob, { name: 'git' });
  assert.match(token, /^cgp_[A-Za-z0-9_-]{43}$/);
  assert.equal(Date.parse(summary.expiresAt) / 1000 - now, DEFAULT_PAT_SECONDS);
  const stored = await store.findByHash(hashPat(token));
  assert.ok(stored);
  assert.ok(!JSON.stringify(stored).includes(token));
  await assert.rejects(pats.mint(bob, { name: 'long', expiresInSeconds: MAX_PAT_SECONDS + 1 }), /expiresInSeconds/);
  await assert.rejects(pats.mint(bob, { name: '' }), /name/);
  await assert.rejects(pats.mint(bob, { name: 'x', change: 'abc' }), /change/);
  assert.equal((await pats.mint(bob, { name: 'max', expiresInSeconds: MAX_PAT_SECONDS })).summary.state, 'active');
});

test('a role ceiling only narrows', async () => {
  const pats = service();
  await assert.rejects(pats.mint(bob, { name: 'x', roles: ['admin'] }), /only narrow/);
  await assert.rejects(pats.mint(bob, { name: 'x', roles: ['superuser'] }), /roles/);
  const { token } = await pats.mint(bob, { name: 'read only', roles: ['viewer'] });
  const narrowed = await pats.check(token);
  assert.ok(narrowed.ok);
  if (narrowed.ok) assert.deepEqual(narrowed.identity.roles, ['viewer']);
  const { token: full } = await pats.mint(bob, { name: 'all' });
  const all = await pats.check(full);
  assert.ok(all.ok);
  if (all.ok) {
    assert.deepEqual(all.identity.roles, ['viewer', 'reviewer']);
    assert.equal(all.identity.via, 'pat');
    assert.equal(all.identity.username, 'bob');
    assert.equal(all.identity.id, 'dev-u-bob');
  }
});

test('Bearer and Basic are accepted; wrong user name, revoked, expired and unknown tokens are refused', async () => {
  now = 1_800_000_000;
  const pats = service();
  const auth = new PatAuthenticator(pats);
  const { token, summary } = await pats.mint(bob, { name: 'git', expiresInSeconds: 3600 });
  assert.equal((await auth.authenticate(authReq(`Bearer ${token}`))).kind, 'authenticated');
  assert.equal((await auth.authenticate(authReq(basic('bob', token)))).kind, 'authenticated');
  const wrongUser = await auth.authenticate(authReq(basic('alice', token)));
  assert.equal(wrongUser.kind, 'rejected');
  assert.equal((await auth.authenticate(authReq('Bearer eyJhbGciOi.jwt.value'))).kind, 'absent', 'JWTs are left to the bearer authenticator');
  assert.equal((await auth.authenticate(authReq(basic('bob', 'my-ldap-password')))).kind, 'rejected');
  const unknown = await auth.authenticate(authReq(`Bearer cgp_${'A'.repeat(43)}`));
  assert.ok(unknown.kind === 'rejected' && /unknown/.test(unknown.error.message));

  now += 3600;
  const expired = await auth.authenticate(authReq(`Bearer ${token}`));
  assert.ok(expired.kind === 'rejected' && /expired/.test(expired.error.message) && expired.error.status === 401);
  now -= 3600;

  assert.equal(await pats.revoke({ id: 'dev-u-alice', issuer: 'http://idp' }, summary.id), false, 'only the owner revokes');
  assert.equal(await pats.revoke(bob, summary.id), true);
  const revoked = await auth.authenticate(authReq(`Bearer ${token}`));
  assert.ok(revoked.kind === 'rejected' && /revoked/.test(revoked.error.message));
  assert.equal((await pats.list(bob)).find((t) => t.id === summary.id)?.state, 'revoked');
});

test('a change-bound token stops working when the change is closed; others keep working', async () => {
  const pats = service();
  const bound = await pats.mint(bob, { name: 'ci for 42', change: 42 });
  const other = await pats.mint(bob, { name: 'ci for 43', change: 43 });
  const free = await pats.mint(bob, { name: 'free' });
  const before = await pats.check(bound.token);
  assert.ok(before.ok && before.identity.change === '42');
  assert.equal(await pats.onChangeClosed(42), 1);
  const afterClose = await pats.check(bound.token);
  assert.ok(!afterClose.ok && /change 42 was closed/.test(afterClose.reason));
  assert.ok((await pats.check(other.token)).ok);
  assert.ok((await pats.check(free.token)).ok);
  assert.equal(await pats.onChangeClosed(42), 0, 'idempotent');
});

test('last-used time is recorded, at most once a minute', async () => {
  now = 1_800_000_000;
  const store = new MemoryTokenStore();
  let updates = 0;
  const counting: TokenStore = Object.assign(Object.create(store) as MemoryTokenStore, {
    update: (id: string, patch: object) => {
      updates++;
      return store.update(id, patch);
    },
  });
  const pats = service(counting);
  const { token, summary } = await pats.mint(bob, { name: 'busy' });
  for (let i = 0; i < 5; i++) assert.ok((await pats.check(token)).ok);
  assert.equal(updates, 1);
  now += 61;
  await pats.check(token);
  assert.equal(updates, 2);
  assert.equal((await store.get(summary.id))?.lastUsedAt, now);
});

test('the file store persists 0600 atomically, holds no token, and another process sees revocations', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'changegate-pat-'));
  dirs.push(dir);
  const first = await FileTokenStore.open(dir, clock);
  const pats = service(first);
  const { token, summary } = await pats.mint(bob, { name: 'persisted', change: 7 });
  const file = path.join(dir, TOKEN_FILE);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const text = await readFile(file, 'utf8');
  assert.ok(!text.includes(token));
  assert.ok(text.includes(hashPat(token)));

  const second = await FileTokenStore.open(dir, clock); // as another worker would
  const pats2 = service(second);
  assert.ok((await pats2.check(token)).ok);
  await pats2.onChangeClosed(7);
  // The first store notices the newer file before its next write.
  await first.update('nonexistent', {});
  const seen = await first.get(summary.id);
  assert.equal(seen?.revokedReason, 'change_closed');
  await first.close();
  await second.close();
});

test('two stores on one file (two workers) writing at once never lose each other\'s tokens', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'changegate-pat-'));
  dirs.push(dir);
  const stores = [await FileTokenStore.open(dir, clock), await FileTokenStore.open(dir, clock)];
  const minted = await Promise.all(Array.from({ length: 24 }, (_, i) => service(stores[i % 2]!).mint(bob, { name: `worker ${i % 2} #${i}` })));
  const fresh = await FileTokenStore.open(dir, clock);
  const missing = [];
  for (const { summary } of minted) if ((await fresh.get(summary.id)) === undefined) missing.push(summary.name);
  assert.deepEqual(missing, [], 'every minted token is in the file');
  for (const s of [...stores, fresh]) await s.close();
});

// Two writes in one tick of the kernel's coarse clock give the file the same mtime. Pinning it
// with utimes to a whole second (which a stat reads back exactly) makes that deterministic: a
// store opened on the pinned file has seen that mtime, and the other store's write is pinned back
// to it. A store that trusted the mtime skipped the reload.
const TICK = new Date(Math.floor(Date.now() / 1000) * 1000);

async function storesOnPinnedFile(dir: string): Promise<[FileTokenStore, FileTokenStore]> {
  const seed = await FileTokenStore.open(dir, clock);
  await service(seed).mint(bob, { name: 'seed' });
  await seed.close();
  await utimes(path.join(dir, TOKEN_FILE), TICK, TICK);
  return [await FileTokenStore.open(dir, clock), await FileTokenStore.open(dir, clock)];
}

test('another store\'s write in the same clock tick is not overwritten', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'changegate-pat-'));
  dirs.push(dir);
  const [a, b] = await storesOnPinnedFile(dir);
  const other = await service(b).mint(bob, { name: 'b in the same tick' });
  await utimes(b.file, TICK, TICK);
  const mine = await service(a).mint(bob, { name: 'a after it' });
  const fresh = await FileTokenStore.open(dir, clock);
  for (const { summary } of [other, mine]) assert.ok(await fresh.get(summary.id), `${summary.name} is in the file`);
  for (const s of [a, b, fresh]) await s.close();
});

test('a revocation written in the same clock tick reaches a reading store', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'changegate-pat-'));
  dirs.push(dir);
  const minting = await FileTokenStore.open(dir, clock);
  const { token, summary } = await service(minting).mint(bob, { name: 'bound', change: 9 });
  await minting.close();
  const [reader, writer] = await storesOnPinnedFile(dir);
  assert.equal((await reader.get(summary.id))?.revokedAt, undefined);
  await service(writer).onChangeClosed(9);
  await utimes(writer.file, TICK, TICK);
  // A reader looks at the file at most once a second: poll, with a bound.
  await eventually('the reader to see the revocation', async () => !(await service(reader).check(token)).ok, { timeoutMs: 5000 });
  for (const s of [reader, writer]) await s.close();
});

test('a lock left by a writer that died is broken; one held by a live process is waited for', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'changegate-pat-'));
  dirs.push(dir);
  const store = await FileTokenStore.open(dir, clock);
  const lock = `${store.file}.lock`;
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  await writeFile(lock, String(dead));
  const { summary } = await service(store).mint(bob, { name: 'after a crash' });
  assert.ok(await store.get(summary.id));
  await writeFile(lock, String(process.pid));
  let done = false;
  const waiting = service(store).mint(bob, { name: 'waits' }).then(() => (done = true));
  await new Promise((r) => setTimeout(r, 50)); // a negative check: 50 ms is ten retries of the lock
  assert.equal(done, false, 'a live holder is waited for');
  await rm(lock);
  await waiting;
  await store.close();
});

test('presentedPat parses schemes case-insensitively and leaves other schemes alone', () => {
  assert.deepEqual(presentedPat(undefined), { kind: 'none' });
  assert.deepEqual(presentedPat('Negotiate abc'), { kind: 'none' });
  assert.equal(presentedPat(`bearer cgp_${'b'.repeat(43)}`).kind, 'pat');
  assert.equal(presentedPat('Bearer cgp_short').kind, 'bad');
  assert.equal(presentedPat('Basic !!!').kind, 'bad');
});
