// The Dagster UI's buttons follow the policy: a real browser (Debian's Chromium, driven by
// playwright-core) signs in through the development IdP, loads a stand-in page that asks
// `<prefix>/graphql` for the UI's own PermissionsQuery through Changegate, and renders one button
// per permission as the UI does. A viewer gets every button disabled with the policy's reason,
// an admin gets them enabled, and an operator narrowed to one code location only that
// location's run buttons.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { configSchema } from '../../src/config/schema.js';
import { DEV_BROWSER_CLIENT_ID, DEV_BROWSER_CLIENT_SECRET, startDevIdp, type DevIdp } from '../../src/identity/dev-idp.js';
import { createLogger } from '../../src/observability/logger.js';
import { startChangegate, type ChangegateHandle } from '../../src/main/server.js';
import { repoRoot } from '../upstreams/dagster/harness.js';
import { startFakeDagster, type FakeDagster } from '../fakes/dagster/index.js';
import { CHROMIUM, CHROMIUM_ARGS, requireExecutable } from '../fakes/real-parts.js';

const PAGE = '/dagster/__stand-in/permissions';

/** The proxy's address must be known before it starts: it is the IdP's redirect target. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface Button {
  readonly scope: string;
  readonly permission: string;
  readonly enabled: boolean;
  readonly title: string;
}

describe('Dagster UI permissions in a browser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'changegate-ui-perms-'));
  let dagster: FakeDagster;
  let idp: DevIdp;
  let proxy: ChangegateHandle;
  let browser: Browser;
  let base = '';

  before(async () => {
    dagster = await startFakeDagster();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startDevIdp({ clients: [{ kind: 'browser', clientId: DEV_BROWSER_CLIENT_ID, clientSecret: DEV_BROWSER_CLIENT_SECRET, redirectUris: [`${base}/.changegate/callback`] }] });
    // The repository's policies, with carol's operator grant narrowed to the finance location
    // (keyed by her email: the policies' own tests, run at load, use a user named carol).
    cpSync(join(repoRoot(), 'policies'), join(dir, 'policies'), { recursive: true });
    writeFileSync(join(dir, 'policies', 'data.yaml'), 'dagster:\n  grants:\n    carol@example.test:\n      locations: [finance]\n');
    const config = configSchema.parse({
      listen: `127.0.0.1:${port}`,
      admin: { listen: '127.0.0.1:0' },
      publicUrl: base,
      stateDir: join(dir, 'state'),
      upstreams: { dagster: { url: `http://127.0.0.1:${dagster.port}`, pathPrefix: '/dagster', timeoutMs: 5000, graphqlSchema: join(repoRoot(), 'test', 'fakes', 'dagster', 'schema.graphql') } },
      identity: {
        oidc: { issuer: idp.issuer, clientId: DEV_BROWSER_CLIENT_ID, clientSecret: DEV_BROWSER_CLIENT_SECRET },
        roles: { operator: { groups: ['data-operators'] }, admin: { groups: ['platform-admins'] } },
      },
      policy: { path: join(dir, 'policies'), watch: false },
      audit: { path: join(dir, 'audit.jsonl') },
    });
    proxy = await startChangegate(config, { logger: createLogger({ level: 'silent' }) });
    browser = await chromium.launch({ executablePath: requireExecutable(CHROMIUM, 'chromium'), headless: true, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await proxy?.close();
    await Promise.all([dagster?.close(), idp?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Signs `user` in (dev IdP form, then consent) on the way to the page; returns its buttons. */
  async function buttonsFor(user: string): Promise<Button[]> {
    const context = await browser.newContext();
    try {
      // Only loopback: the IdP's pages import a web font, which must not leave the machine.
      await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
      const page = await context.newPage();
      await page.goto(`${base}${PAGE}`);
      assert.equal(new URL(page.url()).origin, idp.issuer, `sent to the IdP to sign in; at ${page.url()}: ${(await page.content()).slice(0, 600)}`);
      await page.fill('input[name="login"]', user);
      await page.fill('input[name="password"]', 'any');
      await Promise.all([page.waitForURL(/\/interaction\//), page.click('button[type="submit"]')]);
      await Promise.all([page.waitForURL(`${base}${PAGE}`), page.click('button[type="submit"]')]);
      return await readButtons(page);
    } finally {
      await context.close();
    }
  }

  async function readButtons(page: Page): Promise<Button[]> {
    await page.waitForFunction("document.getElementById('status')?.textContent !== 'loading'");
    assert.equal(await page.textContent('#status'), 'done');
    return page.$$eval('button[data-permission]', (list) =>
      list.map((b) => ({ scope: b.getAttribute('data-scope') ?? '', permission: b.getAttribute('data-permission') ?? '', enabled: !b.hasAttribute('disabled'), title: b.getAttribute('title') ?? '' })),
    );
  }

  const find = (buttons: readonly Button[], scope: string, permission: string): Button => {
    const b = buttons.find((x) => x.scope === scope && x.permission === permission);
    assert.ok(b !== undefined, `${scope} ${permission} rendered`);
    return b;
  };

  test('a viewer sees every button disabled, with the policy reason', { timeout: 120_000 }, async () => {
    const buttons = await buttonsFor('dave');
    assert.ok(buttons.length > 20, 'unscoped and per-location permissions rendered');
    assert.deepEqual(buttons.filter((b) => b.enabled), []);
    const launch = find(buttons, 'unscoped', 'launch_pipeline_execution');
    assert.match(launch.title, /Not allowed for you by Changegate policy \(no_rule_allows\)/);
    assert.match(find(buttons, 'finance', 'terminate_pipeline_execution').title, /Changegate policy/);
    // Dagster itself said yes: the stand-in answered value true to the query as the UI sent it.
    assert.ok(dagster.recorder.operations.some((o) => JSON.stringify(o).includes('PermissionsQuery')));
  });

  test('an admin sees the buttons enabled', { timeout: 120_000 }, async () => {
    const buttons = await buttonsFor('alice');
    for (const scope of ['unscoped', 'finance', 'demo_location']) {
      for (const permission of ['launch_pipeline_execution', 'terminate_pipeline_execution', 'reload_repository_location', 'wipe_assets']) {
        const b = find(buttons, scope, permission);
        assert.equal(b.enabled, true, `${scope} ${permission}`);
        assert.equal(b.title, '');
      }
    }
    assert.equal(find(buttons, 'unscoped', 'reload_workspace').enabled, true);
    // A permission Dagster has and Changegate does not know guards a mutation it would deny.
    const unknown = find(buttons, 'unscoped', 'edit_app_managed_components');
    assert.equal(unknown.enabled, false);
    assert.match(unknown.title, /dagster_unknown_mutation/);
  });

  test("an operator narrowed to finance may launch in finance only, and reload nothing", { timeout: 120_000 }, async () => {
    const buttons = await buttonsFor('carol');
    assert.equal(find(buttons, 'finance', 'launch_pipeline_execution').enabled, true);
    assert.equal(find(buttons, 'finance', 'terminate_pipeline_execution').enabled, true);
    const elsewhere = find(buttons, 'demo_location', 'launch_pipeline_execution');
    assert.equal(elsewhere.enabled, false);
    assert.match(elsewhere.title, /dagster_outside_granted_scope/);
    assert.equal(find(buttons, 'finance', 'reload_repository_location').enabled, false);
    assert.equal(find(buttons, 'unscoped', 'reload_workspace').enabled, false);
  });
});
