// Session lifetimes, refresh and logout against the real dev IdP, with a movable clock.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { browse, Jar, last, request } from '../oidc/jar.js';
import { startStand } from '../oidc/stand.js';
import type { Stand } from '../oidc/stand.js';
import { seal } from '../../../src/auth/session/seal.js';

let stand: Stand;
let offset = 0;
const clock = () => Math.floor(Date.now() / 1000) + offset;

before(async () => {
  stand = await startStand({ accessTokenTtlSeconds: 120, clock, idleSeconds: 3600 });
});
after(async () => {
  await stand.close();
});

async function signIn(username: string): Promise<Jar> {
  const jar = new Jar();
  const final = last(await browse(jar, stand.url('/.changegate/login?rd=/start'), username));
  assert.equal(final.status, 200);
  return jar;
}

async function sessionOf(jar: Jar) {
  const check = await stand.auth.sessionAuthenticator.check([['changegate', jar.value('changegate') ?? '']], false);
  assert.equal(check.kind, 'valid');
  if (check.kind !== 'valid') throw new Error('no session');
  return check.state;
}

function sessionSetCookies(step: { headers: Headers }): string[] {
  return step.headers.getSetCookie().filter((c) => c.startsWith('changegate'));
}

test('activity re-issues the cookie at most once a minute; idleness ends the session', async () => {
  offset = 0;
  const jar = await signIn('dave');
  const first = await sessionOf(jar);
  offset = 30;
  assert.deepEqual(sessionSetCookies(await request(jar, stand.url('/a'))), []);
  offset = 61;
  const reissued = await request(jar, stand.url('/b'));
  assert.equal(sessionSetCookies(reissued).length, 1);
  const second = await sessionOf(jar);
  assert.equal(second.sid, first.sid);
  assert.equal(second.abs, first.abs, 'activity never extends the absolute end');
  assert.ok(second.seen > first.seen);
  offset = 61 + 3601;
  const idle = await request(jar, stand.url('/c'));
  assert.equal(idle.status, 302);
  assert.match(idle.location ?? '', /^\/\.changegate\/login\?rd=%2Fc$/);
  assert.equal(jar.value('changegate'), undefined, 'cookie cleared');
  offset = 0;
});

test('the refresh token is used shortly before the access token expires', async () => {
  offset = 0;
  const jar = await signIn('bob');
  const before = await sessionOf(jar);
  assert.ok(before.rt, 'offline_access gave a refresh token');
  assert.ok(before.atx !== undefined && before.atx <= clock() + 120);
  offset = 100; // 20 s before expiry: inside the refresh margin
  const res = await request(jar, stand.url('/after-refresh'));
  assert.equal(res.status, 200);
  assert.match(res.body, /upstream sees bob/);
  assert.equal(sessionSetCookies(res).length, 1);
  const after = await sessionOf(jar);
  assert.equal(after.sid, before.sid);
  assert.ok((after.atx ?? 0) > (before.atx ?? 0));
  assert.deepEqual(after.grp, ['gerrit-reviewers']);
  assert.equal(last(stand.hits).roles, 'viewer,reviewer');
  offset = 0;
});

test('a failed refresh ends the session cleanly: one redirect for browsers, 401 for APIs, cookies cleared', async () => {
  offset = 0;
  const now = clock();
  const dead = await seal(stand.auth.context.codec.keyring, 'changegate-session', {
    v: 1, sid: 'dead', sub: 'dev-u-bob', iss: stand.idp.issuer, usr: 'bob', grp: [], auth: now, abs: now + 3600, seen: now,
    rt: 'refresh-token-the-idp-never-issued', atx: now - 1,
  }, now + 3600);
  const browser = new Jar();
  browser.set('changegate', dead);
  const steps = await browse(browser, stand.url('/page'));
  assert.equal(steps[0]?.status, 302);
  assert.match(steps[0]?.location ?? '', /^\/\.changegate\/login\?rd=%2Fpage$/);
  assert.ok(steps[0]?.headers.getSetCookie().some((c) => /^changegate=; .*Max-Age=0/.test(c)));
  // It ends at the IdP's login form, having visited our login route once: no loop.
  assert.equal(steps.filter((s) => s.url.pathname === '/.changegate/login').length, 1);
  assert.match(last(steps).url.pathname, /^\/interaction\//);

  const api = new Jar();
  api.set('changegate', dead);
  const res = await request(api, stand.url('/changes/'), { headers: { accept: 'application/json' } });
  assert.equal(res.status, 401);
  assert.equal((JSON.parse(res.body) as { error: string }).error, 'unauthenticated');
  assert.equal(api.value('changegate'), undefined);
});

test('logout needs the CSRF token, clears every cookie and hands off to the IdP end_session', async () => {
  offset = 0;
  const jar = await signIn('carol');
  const other = await signIn('alice');
  const page = await request(jar, stand.url('/.changegate/logout'));
  assert.equal(page.status, 200);
  const token = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(token);
  const othersToken = /name="csrf" value="([^"]+)"/.exec((await request(other, stand.url('/.changegate/logout'))).body)?.[1] ?? '';

  for (const body of ['', 'csrf=wrong', `csrf=${encodeURIComponent(othersToken)}`]) {
    const refused = await request(jar, stand.url('/.changegate/logout'), { method: 'POST', body });
    assert.equal(refused.status, 403, `body ${body}`);
    assert.equal((await request(jar, stand.url('/still-in'))).status, 200, 'session survives a refused logout');
  }

  jar.set('changegate.1', 'leftover-chunk');
  const out = await request(jar, stand.url('/.changegate/logout'), { method: 'POST', body: `csrf=${encodeURIComponent(token)}` });
  assert.equal(out.status, 303);
  const endSession = new URL(out.location ?? '');
  assert.equal(endSession.origin, stand.idp.issuer);
  assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${stand.appUrl}/`);
  assert.equal(jar.value('changegate'), undefined);
  assert.equal(jar.value('changegate.1'), undefined);
  assert.equal((await request(jar, stand.url('/after-logout'))).status, 302);
});

test('the tokens page requires sign-in and shows a CSRF-protected form', async () => {
  const anon = await request(new Jar(), stand.url('/.changegate/tokens'));
  assert.equal(anon.status, 303);
  assert.equal(anon.location, '/.changegate/login?rd=%2F.changegate%2Ftokens');
  const jar = await signIn('bob');
  const page = await request(jar, stand.url('/.changegate/tokens'));
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const refused = await request(jar, stand.url('/.changegate/tokens'), { method: 'POST', body: 'name=x' });
  assert.equal(refused.status, 403);
  const made = await request(jar, stand.url('/.changegate/tokens'), {
    method: 'POST',
    body: new URLSearchParams({ csrf, name: 'laptop git', expiresInSeconds: '3600', roles: 'viewer', change: '' }).toString(),
  });
  assert.equal(made.status, 200);
  const token = /<pre id="new-token">(cgp_[A-Za-z0-9_-]+)<\/pre>/.exec(made.body)?.[1];
  assert.ok(token);
  assert.match(made.body, /laptop git/);
  const git = await request(new Jar(), stand.url('/project.git/info/refs?service=git-upload-pack'), {
    headers: { accept: '*/*', authorization: `Basic ${Buffer.from(`bob:${token}`).toString('base64')}` },
  });
  assert.equal(git.status, 200);
  assert.equal(last(stand.hits).user, 'bob');
  assert.equal(last(stand.hits).roles, 'viewer', 'the ceiling narrows bob to viewer');
});
