import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import { cookiesToForward, setCookiesFromUpstream, upstreamCookieRule } from '../../../src/auth/session/upstream-cookies.js';
import { GERRIT_SESSION_COOKIES } from '../../../src/upstreams/gerrit/session.js';
import { boundGroups } from '../../../src/auth/session/bounds.js';
import { isBrowserNavigation, signInLocation } from '../../../src/auth/session/challenge.js';
import { keyringFromSecrets, loadSessionSecrets, GENERATED_KEY_FILE } from '../../../src/auth/session/keys.js';
import { csrfToken, verifyCsrf } from '../../../src/auth/csrf.js';
import { profileFromClaims } from '../../../src/auth/oidc/profile.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const withGerrit = upstreamCookieRule((name) => GERRIT_SESSION_COOKIES.has(name));

test('cookiesToForward removes our cookies (all chunks, sign-in) and Gerrit session cookies, keeps the rest verbatim', () => {
  const header = 'a=1; changegate=x; __Host-changegate.0=y; __Host-changegate.1=z; changegate-signin=t; GerritAccount=acct; XSRF_TOKEN=q; b="quoted"; changegatex=keep';
  assert.equal(cookiesToForward(header, withGerrit), 'a=1; b="quoted"; changegatex=keep');
  assert.equal(cookiesToForward(header), 'a=1; GerritAccount=acct; XSRF_TOKEN=q; b="quoted"; changegatex=keep', 'an upstream\'s session cookies only when the caller names them');
  assert.equal(cookiesToForward('changegate=x; changegate.3=y'), undefined);
  assert.equal(cookiesToForward(undefined), undefined);
  assert.equal(cookiesToForward(['a=1', 'changegate=2']), 'a=1');
});

test('upstream Set-Cookie for GerritAccount or our names never reaches the browser', () => {
  assert.deepEqual(
    setCookiesFromUpstream(['GerritAccount=abc; Path=/', 'changegate=forged; Path=/', '__Host-changegate=f; Secure', 'theme=dark; Path=/'], withGerrit),
    ['theme=dark; Path=/'],
  );
});

test('groups are bounded, and groups role mapping names survive the bound', () => {
  const filler = Array.from({ length: 300 }, (_, i) => `filler-${i}`);
  const named = new Set(['platform-admins']);
  const out = boundGroups([...filler, 'platform-admins'], named, 10);
  assert.equal(out.groups.length, 10);
  assert.ok(out.groups.includes('platform-admins'));
  assert.equal(out.truncated, true);
  assert.deepEqual(boundGroups(['x', 'x', 7, '', 'y'], named, 10), { groups: ['x', 'y'], truncated: false });
  assert.deepEqual(boundGroups('solo', named, 10).groups, ['solo']);
  assert.deepEqual(boundGroups(['a'.repeat(500), 'b'], named, 10).groups, ['b'], 'absurdly long names dropped');
});

test('browser navigation vs API: only a GET/HEAD page load that accepts HTML is redirected', () => {
  const req = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;
  assert.equal(isBrowserNavigation(req('GET', { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate' })), true);
  assert.equal(isBrowserNavigation(req('GET', { accept: 'text/html' })), true, 'old browsers send no fetch metadata');
  assert.equal(isBrowserNavigation(req('POST', { accept: 'text/html' })), false);
  assert.equal(isBrowserNavigation(req('GET', { accept: 'application/json' })), false);
  assert.equal(isBrowserNavigation(req('GET', { accept: '*/*' })), false, 'git and curl');
  assert.equal(isBrowserNavigation(req('GET', { accept: 'text/html', 'sec-fetch-mode': 'cors' })), false, 'fetch() from a page');
  assert.equal(isBrowserNavigation(req('GET', { accept: 'text/html', 'x-requested-with': 'XMLHttpRequest' })), false);
  assert.equal(signInLocation({ path: '/c/p/+/1', query: 'a=b' }), '/.changegate/login?rd=%2Fc%2Fp%2F%2B%2F1%3Fa%3Db');
  assert.equal(signInLocation({ path: '//evil', query: '' }), '/.changegate/login?rd=%2F');
});

test('CSRF tokens are bound to the session and survive key rotation', () => {
  const oldRing = keyringFromSecrets(['old-secret-old-secret-old-secret-0001']);
  const ring = keyringFromSecrets(['new-secret-new-secret-new-secret-0002', 'old-secret-old-secret-old-secret-0001']);
  const token = csrfToken(ring, 'sid-a');
  assert.equal(verifyCsrf(ring, 'sid-a', token), true);
  assert.equal(verifyCsrf(ring, 'sid-b', token), false);
  assert.equal(verifyCsrf(ring, 'sid-a', csrfToken(oldRing, 'sid-a')), true, 'a form opened before rotation still works');
  for (const bad of [undefined, '', 'x', 42, token.slice(1), 'A'.repeat(500)]) assert.equal(verifyCsrf(ring, 'sid-a', bad), false);
});

test('without configured keys a key is generated once in stateDir with mode 0600, with a warning', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'changegate-keys-'));
  dirs.push(dir);
  const warnings: string[] = [];
  const first = await loadSessionSecrets(undefined, dir, (m) => warnings.push(m));
  const second = await loadSessionSecrets([], dir, (m) => warnings.push(m));
  assert.deepEqual(first, second);
  assert.equal(warnings.length, 2);
  assert.ok(warnings.every((w) => w.includes('identity.session.keys')));
  assert.ok(!warnings.some((w) => first[0] !== undefined && w.includes(first[0])), 'the key is never logged');
  const file = path.join(dir, GENERATED_KEY_FILE);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal((await readFile(file, 'utf8')).trim(), first[0]);
  assert.deepEqual(await loadSessionSecrets(['configured-secret-configured-secret-1'], dir, () => assert.fail('no warning')), ['configured-secret-configured-secret-1']);
});

test('profiles: user name from the claim, else sub, never the email local part; odd claims refused', () => {
  const opts = { usernameClaim: 'preferred_username', groupsClaim: 'groups' };
  const ok = profileFromClaims({ sub: 's1', iss: 'http://i', preferred_username: 'bob', email: 'bob@x.test', groups: ['g'] }, opts);
  assert.ok(ok.ok && ok.profile.username === 'bob' && ok.profile.email === 'bob@x.test');
  const noName = profileFromClaims({ sub: 's1', iss: 'http://i', email: 'bob@x.test' }, opts);
  assert.ok(noName.ok && noName.profile.username === 's1');
  const multiAt = profileFromClaims({ sub: 's1', iss: 'http://i', preferred_username: 'b', email: 'a@b.test@evil.test' }, opts);
  assert.ok(multiAt.ok && multiAt.profile.email === undefined);
  const unverified = profileFromClaims({ sub: 's1', iss: 'http://i', preferred_username: 'b', email: 'a@b.test', email_verified: false }, opts);
  assert.ok(unverified.ok && unverified.profile.email === undefined);
  assert.equal(profileFromClaims({ iss: 'http://i' }, opts).ok, false);
  assert.equal(profileFromClaims({ sub: 'has space', iss: 'http://i', preferred_username: 'also space' }, opts).ok, false);
});

test('concurrent requests with one refresh token refresh once, and a failing grant is an outcome, not a throw', async () => {
  const { RefreshCoordinator } = await import('../../../src/auth/session/refresh.js');
  let calls = 0;
  const coordinator = new RefreshCoordinator(async (rt) => {
    calls++;
    await new Promise((r) => setTimeout(r, 10));
    if (rt === 'bad') throw Object.assign(new Error('refused'), { error: 'invalid_grant' });
    return { ok: true, tokens: { claims: {}, refreshToken: `${rt}-next` } };
  });
  const outcomes = await Promise.all([coordinator.refresh('rt1'), coordinator.refresh('rt1'), coordinator.refresh('rt1')]);
  assert.equal(calls, 1);
  assert.ok(outcomes.every((o) => o.ok && o.tokens.refreshToken === 'rt1-next'));
  assert.deepEqual(await coordinator.refresh('bad'), { ok: false, reason: 'invalid_grant' });
});

test('however large maxGroups is, the kept group names stay within a byte budget', async () => {
  const { MAX_GROUP_BYTES } = await import('../../../src/auth/session/bounds.js');
  const long = Array.from({ length: 1000 }, (_, i) => `a-rather-long-group-name-from-a-directory-${i}`);
  const out = boundGroups([...long, 'platform-admins'], new Set(['platform-admins']), 5000);
  assert.ok(out.truncated);
  assert.ok(out.groups.includes('platform-admins'));
  assert.ok(JSON.stringify(out.groups).length <= MAX_GROUP_BYTES + 'platform-admins'.length + 10);
});
