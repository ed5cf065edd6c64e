// The tokens JSON API through the real sign-in.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { browse, Jar, last, request } from '../oidc/jar.js';
import { startStand } from '../oidc/stand.js';
import type { Stand } from '../oidc/stand.js';

let stand: Stand;
before(async () => {
  stand = await startStand();
});
after(async () => {
  await stand.close();
});

async function signIn(username: string): Promise<Jar> {
  const jar = new Jar();
  assert.equal(last(await browse(jar, stand.url('/.changegate/login?rd=/'), username)).status, 200);
  return jar;
}

const json = { accept: 'application/json', 'content-type': 'application/json', 'sec-fetch-mode': 'cors' };

test('a signed-in user mints, lists and revokes tokens; changes need the CSRF header', async () => {
  const jar = await signIn('bob');
  const list = await request(jar, stand.url('/.changegate/api/tokens'), { headers: json });
  assert.equal(list.status, 200);
  const { csrfToken, tokens } = JSON.parse(list.body) as { csrfToken: string; tokens: unknown[] };
  assert.deepEqual(tokens, []);

  const body = JSON.stringify({ name: 'script', expiresInSeconds: 600, change: 1234 });
  const noCsrf = await request(jar, stand.url('/.changegate/api/tokens'), { method: 'POST', headers: json, body });
  assert.equal(noCsrf.status, 403);
  assert.equal((JSON.parse(noCsrf.body) as { error: string }).error, 'forbidden');

  const made = await request(jar, stand.url('/.changegate/api/tokens'), { method: 'POST', headers: { ...json, 'x-changegate-csrf': csrfToken }, body });
  assert.equal(made.status, 201, made.body);
  const minted = JSON.parse(made.body) as { id: string; token: string; change: number; username: string };
  assert.equal(minted.change, 1234);
  assert.equal(minted.username, 'bob');

  const bad = await request(jar, stand.url('/.changegate/api/tokens'), { method: 'POST', headers: { ...json, 'x-changegate-csrf': csrfToken }, body: '{"name":' });
  assert.equal(bad.status, 400);
  assert.doesNotMatch(bad.body, /SyntaxError|at /);

  // The token itself may list, but may not mint more tokens.
  const bearer = { ...json, authorization: `Bearer ${minted.token}` };
  const byToken = await request(new Jar(), stand.url('/.changegate/api/tokens'), { headers: bearer });
  assert.equal(byToken.status, 200);
  assert.equal((JSON.parse(byToken.body) as { tokens: unknown[] }).tokens.length, 1);
  const mintByToken = await request(new Jar(), stand.url('/.changegate/api/tokens'), { method: 'POST', headers: bearer, body });
  assert.equal(mintByToken.status, 403);

  // It reaches the upstream until the change closes.
  assert.equal((await request(new Jar(), stand.url('/a/changes/1234'), { headers: bearer })).status, 200);
  assert.equal(last(stand.hits).user, 'bob');
  await stand.auth.pats.onChangeClosed(1234);
  const closed = await request(new Jar(), stand.url('/a/changes/1234'), { headers: bearer });
  assert.equal(closed.status, 401);
  assert.match(closed.body, /change 1234 was closed/);

  const another = await request(jar, stand.url('/.changegate/api/tokens'), { method: 'POST', headers: { ...json, 'x-changegate-csrf': csrfToken }, body: JSON.stringify({ name: 'b' }) });
  const second = JSON.parse(another.body) as { id: string; token: string };
  const delNoCsrf = await request(jar, stand.url(`/.changegate/api/tokens/${second.id}`), { method: 'DELETE', headers: json });
  assert.equal(delNoCsrf.status, 403);
  const del = await request(jar, stand.url(`/.changegate/api/tokens/${second.id}`), { method: 'DELETE', headers: { ...json, 'x-changegate-csrf': csrfToken } });
  assert.equal(del.status, 204);
  const useRevoked = await request(new Jar(), stand.url('/x'), { headers: { ...json, authorization: `Bearer ${second.token}` } });
  assert.equal(useRevoked.status, 401);

  const alice = await signIn('alice');
  const aliceList = JSON.parse((await request(alice, stand.url('/.changegate/api/tokens'), { headers: json })).body) as { csrfToken: string; tokens: unknown[] };
  assert.deepEqual(aliceList.tokens, [], 'tokens are per owner');
  const steal = await request(alice, stand.url(`/.changegate/api/tokens/${minted.id}`), { method: 'DELETE', headers: { ...json, 'x-changegate-csrf': aliceList.csrfToken } });
  assert.equal(steal.status, 404);
  const crossCsrf = await request(alice, stand.url('/.changegate/api/tokens'), { method: 'POST', headers: { ...json, 'x-changegate-csrf': csrfToken }, body });
  assert.equal(crossCsrf.status, 403, "bob's CSRF token does not work in alice's session");
});

test('anonymous API callers get 401 JSON', async () => {
  const res = await request(new Jar(), stand.url('/.changegate/api/tokens'), { headers: json });
  assert.equal(res.status, 401);
  assert.equal((JSON.parse(res.body) as { error: string }).error, 'unauthenticated');
});
