import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionCodec } from '../../../src/auth/session/codec.js';
import { keyringFromSecrets } from '../../../src/auth/session/keys.js';
import { seal } from '../../../src/auth/session/seal.js';
import { readChunked, CHUNK_BYTES, isOwnCookie } from '../../../src/auth/session/cookies.js';
import type { CookiePair } from '../../../src/auth/session/cookies.js';
import type { SessionState } from '../../../src/auth/session/types.js';

const OLD = 'old-secret-old-secret-old-secret-0001';
const NEW = 'new-secret-new-secret-new-secret-0002';
const NOW = 1_800_000_000;
const LIFETIMES = { absoluteSeconds: 12 * 3600, idleSeconds: 3600 };

function state(overrides: Partial<SessionState> = {}): SessionState {
  return { v: 1, sid: 'sid-1', sub: 'dev-u-bob', iss: 'http://idp', usr: 'bob', grp: ['gerrit-reviewers'], auth: NOW, abs: NOW + 43200, seen: NOW, ...overrides };
}

/** Turns Set-Cookie lines into the Cookie pairs a browser would send back. */
function sentBack(setCookies: readonly string[]): CookiePair[] {
  return setCookies
    .filter((c) => !/Max-Age=0\b/.test(c))
    .map((c) => {
      const pair = c.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), pair.slice(eq + 1)] as const;
    });
}

test('round trip: what is written reads back', async () => {
  const codec = new SessionCodec(keyringFromSecrets([NEW]), LIFETIMES);
  const cookies = await codec.write(state(), [], false, NOW);
  assert.equal(cookies.length, 1);
  assert.match(cookies[0] ?? '', /^changegate=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
  const read = await codec.read(sentBack(cookies), false, NOW + 10);
  assert.equal(read.kind, 'valid');
  if (read.kind === 'valid') assert.equal(read.state.usr, 'bob');
});

test('over TLS the cookie is __Host- and Secure', async () => {
  const codec = new SessionCodec(keyringFromSecrets([NEW]), LIFETIMES);
  const cookies = await codec.write(state(), [], true, NOW);
  assert.match(cookies[0] ?? '', /^__Host-changegate=.*; Secure$/);
  assert.equal((await codec.read(sentBack(cookies), true, NOW)).kind, 'valid');
});

test('forged, tampered, foreign-key and expired cookies are refused', async () => {
  const codec = new SessionCodec(keyringFromSecrets([NEW]), LIFETIMES);
  const good = sentBack(await codec.write(state(), [], false, NOW))[0]?.[1] ?? '';
  const read = (v: string, at = NOW) => codec.read([['changegate', v]], false, at);

  assert.deepEqual(await read('not-a-jwe'), { kind: 'invalid', reason: 'invalid' });
  const parts = good.split('.');
  const ct = parts[3] ?? '';
  parts[3] = (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1);
  assert.deepEqual(await read(parts.join('.')), { kind: 'invalid', reason: 'invalid' }, 'tampered ciphertext');
  const tag = good.split('.');
  tag[4] = 'AAAAAAAAAAAAAAAAAAAAAA';
  assert.deepEqual(await read(tag.join('.')), { kind: 'invalid', reason: 'invalid' }, 'tampered tag');

  const foreign = new SessionCodec(keyringFromSecrets(['someone-elses-secret-someone-elses-01']), LIFETIMES);
  const alien = sentBack(await foreign.write(state(), [], false, NOW))[0]?.[1] ?? '';
  assert.deepEqual(await read(alien), { kind: 'invalid', reason: 'unknown_key' });

  assert.deepEqual(await read(good, NOW + 3600 + 10), { kind: 'invalid', reason: 'expired' }, 'idle limit');
  const active = sentBack(await codec.write(state({ seen: NOW + 43000 }), [], false, NOW + 43000))[0]?.[1] ?? '';
  assert.deepEqual(await read(active, NOW + 43200 + 10), { kind: 'invalid', reason: 'expired' }, 'absolute limit despite activity');
});

test('a sign-in transaction cookie can not be presented as a session', async () => {
  const keyring = keyringFromSecrets([NEW]);
  const codec = new SessionCodec(keyring, LIFETIMES);
  const tx = await seal(keyring, 'changegate-signin', { ...state() }, NOW + 600);
  assert.deepEqual(await codec.read([['changegate', tx]], false, NOW), { kind: 'invalid', reason: 'invalid' });
});

test('key rotation: the newest key encrypts, older keys still decrypt, removed keys do not', async () => {
  const before = new SessionCodec(keyringFromSecrets([OLD]), LIFETIMES);
  const oldCookie = sentBack(await before.write(state(), [], false, NOW));
  const rotated = new SessionCodec(keyringFromSecrets([NEW, OLD]), LIFETIMES);
  assert.equal((await rotated.read(oldCookie, false, NOW)).kind, 'valid');
  const rewritten = sentBack(await rotated.write(state(), oldCookie, false, NOW));
  const header = JSON.parse(Buffer.from((rewritten[0]?.[1] ?? '').split('.')[0] ?? '', 'base64url').toString()) as { kid: string };
  assert.equal(header.kid, rotated.keyring.current.kid);
  const retired = new SessionCodec(keyringFromSecrets([NEW]), LIFETIMES);
  assert.equal((await retired.read(rewritten, false, NOW)).kind, 'valid');
  assert.deepEqual(await retired.read(oldCookie, false, NOW), { kind: 'invalid', reason: 'unknown_key' });
});

test('a large session is split into chunks, reassembled, and shrinking deletes stale chunks', async () => {
  const codec = new SessionCodec(keyringFromSecrets([NEW]), LIFETIMES);
  const groups = Array.from({ length: 300 }, (_, i) => `group-with-a-longish-name-${i}`);
  const big = await codec.write(state({ grp: groups }), [], false, NOW);
  assert.ok(big.length >= 3, `chunks: ${big.length}`);
  const sent = sentBack(big);
  assert.deepEqual(sent.map(([n]) => n), big.map((_, i) => `changegate.${i}`));
  assert.ok(sent.every(([, v]) => v.length <= CHUNK_BYTES));
  assert.ok(sent.every(([n]) => isOwnCookie(n)));
  const read = await codec.read(sent, false, NOW);
  assert.equal(read.kind, 'valid');
  if (read.kind === 'valid') assert.equal(read.state.grp.length, 300);
  assert.equal(readChunked(sent, 'changegate')?.length, sent.reduce((n, [, v]) => n + v.length, 0));

  const small = await codec.write(state(), sent, false, NOW);
  assert.ok(small[0]?.startsWith('changegate='));
  const cleared = small.filter((c) => /Max-Age=0/.test(c)).map((c) => c.split('=')[0]);
  assert.deepEqual(cleared.sort(), sent.map(([n]) => n).sort());
  assert.deepEqual(codec.clear([...sent, ['changegate-signin', 'x'], ['other', 'y']], false).map((c) => c.split('=')[0]).sort(), [...sent.map(([n]) => n), 'changegate-signin'].sort());
});
