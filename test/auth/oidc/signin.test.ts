import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { browse, Jar, last, request } from './jar.js';
import { startStand } from './stand.js';
import type { Stand } from './stand.js';

let stand: Stand;
before(async () => {
  stand = await startStand();
});
after(async () => {
  await stand.close();
});

async function signIn(username: string, rd = '/', jar = new Jar()) {
  const steps = await browse(jar, stand.url(`/.changegate/login?rd=${encodeURIComponent(rd)}`), username);
  return { jar, steps, final: last(steps) };
}

test('a browser signs in and lands where it started; the upstream sees the user, never our cookie', async () => {
  const { jar, steps, final } = await signIn('bob', '/c/project/+/1?tab=files');
  assert.equal(final.status, 200, JSON.stringify(steps.map((s) => [s.url.pathname, s.status])));
  assert.equal(final.url.href, stand.url('/c/project/+/1?tab=files').href);
  assert.match(final.body, /upstream sees bob/);
  const hit = last(stand.hits);
  assert.equal(hit.user, 'bob');
  assert.equal(hit.roles, 'viewer,reviewer');
  assert.ok(!(hit.cookie ?? '').includes('changegate'), `forwarded: ${hit.cookie}`);
  const cookie = steps.find((s) => s.url.pathname === '/.changegate/callback')?.headers.getSetCookie().find((c) => c.startsWith('changegate='));
  assert.ok(cookie, 'session cookie set at callback');
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  assert.match(cookie, /Path=\//);
  assert.ok(jar.value('changegate'));
});

test('an anonymous browser is sent to sign in with rd; API clients get 401 JSON', async () => {
  const page = await request(new Jar(), stand.url('/dashboard?x=1'));
  assert.equal(page.status, 302);
  assert.equal(page.location, `/.changegate/login?rd=${encodeURIComponent('/dashboard?x=1')}`);
  const api = await request(new Jar(), stand.url('/changes/?q=open'), { headers: { accept: 'application/json' } });
  assert.equal(api.status, 401);
  assert.match(api.headers.get('www-authenticate') ?? '', /Basic realm/);
  const body = JSON.parse(api.body) as Record<string, unknown>;
  assert.equal(body['error'], 'unauthenticated');
  const post = await request(new Jar(), stand.url('/changes/1/submit'), { method: 'POST', body: '' });
  assert.equal(post.status, 401, 'a POST is never redirected');
});

test('an unsafe rd is replaced by /', async () => {
  const { final } = await signIn('dave', '//evil.example/');
  assert.equal(final.url.href, stand.url('/').href);
});

test('callback without a sign-in in this browser gives a clear page, not a stack', async () => {
  const res = await request(new Jar(), stand.url('/.changegate/callback?code=abc&state=xyz'));
  assert.equal(res.status, 400);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  assert.match(res.body, /no matching start in this browser/);
  assert.doesNotMatch(res.body, /at .*\.(ts|js):\d+/);
});

async function stopAtCallback(jar: Jar, username: string): Promise<URL> {
  const steps = await browse(jar, stand.url('/.changegate/login?rd=/after'), username);
  const cb = steps.find((s) => s.url.pathname === '/.changegate/callback');
  assert.ok(cb);
  return cb.url;
}

test('state mismatch, missing code and IdP errors give clear pages', async () => {
  const jar = new Jar();
  await request(jar, stand.url('/.changegate/login?rd=/x'));
  const mismatch = await request(jar, stand.url('/.changegate/callback?code=abc&state=not-the-state'));
  assert.equal(mismatch.status, 400);
  assert.match(mismatch.body, /state mismatch/);
  const idpError = await request(jar, stand.url('/.changegate/callback?error=access_denied&error_description=nope'));
  assert.equal(idpError.status, 403);
  assert.match(idpError.body, /refused the sign-in: access_denied \(nope\)/);
  assert.match(idpError.body, /Sign in again/);

  const jar2 = new Jar();
  const login = await request(jar2, stand.url('/.changegate/login?rd=/x'));
  const state = new URL(login.location ?? '').searchParams.get('state') ?? '';
  const noCode = await request(jar2, stand.url(`/.changegate/callback?state=${encodeURIComponent(state)}`));
  assert.equal(noCode.status, 400);
  assert.match(noCode.body, /no authorization code/);
});

test('a replayed callback is refused, with or without the transaction cookie', async () => {
  const jar = new Jar();
  // Run the flow up to the callback, keeping the transaction cookie as an attacker would.
  const login = await request(jar, stand.url('/.changegate/login?rd=/replay'));
  const tx = jar.value('changegate-signin');
  assert.ok(tx);
  const steps = await browse(jar, new URL(login.location ?? ''), 'carol');
  assert.equal(last(steps).url.pathname, '/replay');
  const callback = steps.find((s) => s.url.pathname === '/.changegate/callback');
  assert.ok(callback);
  const again = await request(jar, callback.url);
  assert.equal(again.status, 400, 'transaction cookie was cleared');
  const withTx = new Jar();
  withTx.set('changegate-signin', tx);
  const replay = await request(withTx, callback.url);
  assert.equal(replay.status, 400);
  assert.match(replay.body, /already completed/);
  assert.equal(withTx.value('changegate'), undefined);
});

test('a code used in another browser finds no transaction there', async () => {
  const url = await stopAtCallback(new Jar(), 'carol').catch(() => undefined);
  // stopAtCallback completes the flow in its own jar; the same URL in a fresh browser has no transaction.
  assert.ok(url);
  const res = await request(new Jar(), url);
  assert.equal(res.status, 400);
});

test('session fixation: a cookie present before sign-in is not kept after it', async () => {
  const alice = await signIn('alice');
  const planted = alice.jar.value('changegate');
  assert.ok(planted);
  const victim = new Jar();
  victim.set('changegate', planted);
  victim.set('changegate.1', 'stale-chunk');
  const { jar, final } = await signIn('bob', '/who', victim);
  assert.match(final.body, /upstream sees bob/);
  const after = jar.value('changegate');
  assert.ok(after);
  assert.notEqual(after, planted);
  assert.equal(jar.value('changegate.1'), undefined, 'stale chunk deleted');
  const check = await stand.auth.sessionAuthenticator.check([['changegate', after]], false);
  const before = await stand.auth.sessionAuthenticator.check([['changegate', planted]], false);
  assert.equal(check.kind, 'valid');
  assert.equal(before.kind, 'valid');
  if (check.kind === 'valid' && before.kind === 'valid') assert.notEqual(check.state.sid, before.state.sid);
});

test('Gerrit cookies: user B never reaches Gerrit with user A\'s GerritAccount', async () => {
  const jar = new Jar();
  jar.set('GerritAccount', 'acct-alice');
  jar.set('XSRF_TOKEN', 'alice-xsrf');
  jar.set('unrelated', 'kept');
  const { final } = await signIn('bob', '/changes/?q=is:open', jar);
  assert.equal(final.status, 200);
  const hit = last(stand.hits);
  assert.equal(hit.user, 'bob');
  assert.ok(!(hit.cookie ?? '').includes('GerritAccount'), `forwarded: ${hit.cookie}`);
  assert.ok(!(hit.cookie ?? '').includes('XSRF_TOKEN'));
  assert.match(hit.cookie ?? '', /unrelated=kept/);
  // Gerrit's own login page tries to set a GerritAccount cookie: the browser never gets it.
  const gerritLogin = await request(jar, stand.url('/login/'));
  assert.equal(gerritLogin.status, 200);
  const set = gerritLogin.headers.getSetCookie();
  assert.ok(!set.some((c) => c.startsWith('GerritAccount=')), set.join(' | '));
  assert.ok(set.some((c) => c.startsWith('theme=dark')));
});

test('a user in 300 groups gets a bounded cookie, bounded upstream headers and the right roles', async () => {
  const { jar, final } = await signIn('gus', '/big');
  assert.equal(final.status, 200);
  const session = jar.value('changegate') ?? '';
  assert.ok(session.length > 0 && session.length < 3800, `cookie ${session.length} bytes`);
  const hit = last(stand.hits);
  assert.equal(hit.user, 'gus');
  assert.equal(hit.roles, 'viewer,reviewer');
  assert.ok(hit.headerBytes < 8192, `upstream header bytes ${hit.headerBytes}`);
});
