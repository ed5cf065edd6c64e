// Opening sealed cookies, including from the cache of cookies already opened: a cached cookie
// still expires, still belongs to one purpose and one keyring, and a tampered copy is refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyringFromSecrets } from '../../../src/auth/session/keys.js';
import { seal, unseal } from '../../../src/auth/session/seal.js';

const keyring = keyringFromSecrets(['s'.repeat(40)]);
const now = Math.floor(Date.now() / 1000);

test('a cookie opened once opens again, and expires on time even from the cache', async () => {
  const sealed = await seal(keyring, 'changegate-session', { sub: 'alice' }, now + 60);
  const first = await unseal<{ sub: string }>(keyring, 'changegate-session', sealed, now);
  const again = await unseal<{ sub: string }>(keyring, 'changegate-session', sealed, now + 30);
  assert.ok(first.ok && again.ok);
  assert.equal(again.payload.sub, 'alice');
  assert.deepEqual(await unseal(keyring, 'changegate-session', sealed, now + 120), { ok: false, reason: 'expired' });
});

test('the cache keeps purposes and keyrings apart, and never opens a tampered copy', async () => {
  const sealed = await seal(keyring, 'changegate-session', { sub: 'bob' }, now + 60);
  assert.equal((await unseal(keyring, 'changegate-session', sealed, now)).ok, true);
  assert.equal((await unseal(keyring, 'changegate-signin', sealed, now)).ok, false, 'a session cookie is not a sign-in cookie');
  const other = keyringFromSecrets(['o'.repeat(40)]);
  assert.deepEqual(await unseal(other, 'changegate-session', sealed, now), { ok: false, reason: 'unknown_key' });
  // The second-to-last character changed to another (the one it replaces, not the last, decides
  // which): all six of its bits belong to the authentication tag, while the last one's low bits
  // are padding. Deciding by the last character left it unchanged one run in 64.
  const tampered = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.slice(-1)}`;
  assert.notEqual(tampered, sealed);
  assert.equal((await unseal(keyring, 'changegate-session', tampered, now)).ok, false);
});
