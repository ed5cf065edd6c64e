// A real browser (Debian's Chromium, driven by playwright-core) signs in through the dev IdP's
// form, reaches the upstream through the auth routes and signs out again.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { startStand } from '../auth/oidc/stand.js';
import type { Stand } from '../auth/oidc/stand.js';
import { CHROMIUM, CHROMIUM_ARGS, requireExecutable } from '../fakes/real-parts.js';


let stand: Stand | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;

before(async () => {
  requireExecutable(CHROMIUM, 'chromium');
  stand = await startStand();
  profile = await mkdtemp(path.join(tmpdir(), 'changegate-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  // Only loopback: the IdP's pages import a web font, which must not leave the machine.
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' ? route.continue() : route.abort();
  });
});

after(async () => {
  await context?.close();
  await stand?.close();
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
});

test('Chromium signs in through the IdP form, reaches the upstream, and signs out', { timeout: 120_000 }, async () => {
  assert.ok(stand !== undefined && context !== undefined, 'the stand and the browser started');
  const s = stand;
  // Someone else (alice) used Gerrit in this browser before: her Gerrit session cookie is here.
  await context.addCookies([{ name: 'GerritAccount', value: 'acct-alice', url: s.appUrl }]);
  const page = await context.newPage();

  await page.goto(`${s.appUrl}/c/demo/+/1?tab=files`);
  assert.equal(new URL(page.url()).origin, s.idp.issuer, 'sent to the IdP to sign in');
  await page.fill('input[name="login"]', 'bob');
  await page.fill('input[name="password"]', 'any');
  await Promise.all([page.waitForURL(/\/interaction\//), page.click('button[type="submit"]')]);
  await Promise.all([page.waitForURL(`${s.appUrl}/c/demo/+/1?tab=files`), page.click('button[type="submit"]')]);
  assert.equal(await page.textContent('#who'), 'upstream sees bob');

  const hit = s.hits[s.hits.length - 1];
  assert.equal(hit?.user, 'bob');
  assert.ok(!(hit?.cookie ?? '').includes('GerritAccount'), "alice's Gerrit session never reaches Gerrit");
  assert.ok(!(hit?.cookie ?? '').includes('changegate'));

  const cookies = await context.cookies(s.appUrl);
  const session = cookies.find((c) => c.name === 'changegate');
  assert.ok(session, 'session cookie present');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
  assert.equal(session.path, '/');
  assert.equal(cookies.find((c) => c.name === 'changegate-signin'), undefined, 'transaction cookie gone');

  await page.goto(`${s.appUrl}/.changegate/logout`);
  await Promise.all([page.waitForURL((u) => u.origin === s.idp.issuer), page.click('button[type="submit"]')]);
  await Promise.all([page.waitForURL(/\/interaction\//), page.click('button[value="yes"]')]);
  // Back at the proxy, signed out: it sends us to sign in again, and the IdP asks for a login.
  assert.ok(await page.isVisible('input[name="login"]'));
  const after = await context.cookies(s.appUrl);
  // Only the new sign-in attempt's transaction cookie remains; no session and no chunk of one.
  assert.deepEqual(after.filter((c) => c.name.startsWith('changegate')).map((c) => c.name), ['changegate-signin']);
});
