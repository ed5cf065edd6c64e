// Change tracking in Dagster's own UI: a real browser (Debian's Chromium, driven by
// playwright-core) loads a page from a branch deployment through the proxy; the page asks the
// branch's `/graphql` for assets with `changedReasons` (aliased, through a fragment, as the UI
// does) and sees the marks Changegate filled in. The same page from production sees none.
//
// The deployments controller is not wired yet, so the test adds both Dagster instances to the
// route table itself: production without change tracking, the branch with a getter over a
// classified impact. Each webserver is a small stand-in executing the real Dagster schema (Dagster
// OSS answers changedReasons with [] always, and so does it).
// TODO(h1-fake-webserver): serve these assets from the Dagster stand-in's definitions once it has them.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { execute, parse, validate } from 'graphql';
import { chromium, type Browser, type Page } from 'playwright-core';
import { changedReasonsLookup, classifyImpact, dagsterUpstream, type AssetDefinition, type ChangedReasonsLookup } from '../../src/upstreams/dagster/index.js';
import { dagsterSchema } from '../fakes/dagster/schema.js';
import { CHROMIUM, CHROMIUM_ARGS, requireExecutable } from '../fakes/real-parts.js';
import { startHarness, type Harness } from './harness.js';

const PAGE = '/__stand-in/assets';

/** The UI's way of asking: an alias and a fragment on AssetNode. */
const QUERY = `query AssetGraphMarks {
  nodes: assetNodes { ...Marks }
}
fragment Marks on AssetNode { id assetKey { path } marks: changedReasons }`;

const PAGE_HTML = `<!doctype html><html><head><meta charset="utf-8"><title>assets</title></head><body>
<p id="status">loading</p><ul id="assets"></ul>
<script>
fetch('../graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: ${JSON.stringify(QUERY)} }) })
  .then((r) => r.json())
  .then((body) => {
    for (const n of body.data.nodes) {
      const li = document.createElement('li');
      li.dataset.key = n.assetKey.path.join('/');
      li.textContent = n.marks.join(',');
      document.getElementById('assets').appendChild(li);
    }
    document.getElementById('status').textContent = 'done';
  })
  .catch((e) => { document.getElementById('status').textContent = 'failed: ' + e; });
</script></body></html>`;

interface Def {
  readonly path: string[];
  readonly codeVersion?: string;
  readonly tags?: Record<string, string>;
  readonly deps?: string[][];
}

function definition(d: Def): AssetDefinition {
  return {
    key: d.path,
    location: 'finance',
    repository: '__repository__',
    codeVersion: d.codeVersion ?? null,
    dependencies: (d.deps ?? []).map((key) => ({ key, partitionMapping: null })),
    tags: d.tags ?? {},
    metadata: {},
    partitions: null,
    group: 'default',
    owners: [],
    kinds: [],
  };
}

const PRODUCTION: Def[] = [{ path: ['raw', 'orders'] }, { path: ['ledger'], codeVersion: '1', deps: [['raw', 'orders']] }, { path: ['report'], deps: [['ledger']] }];
const BRANCH: Def[] = [{ path: ['raw', 'orders'] }, { path: ['ledger'], codeVersion: '2', tags: { tier: 'gold' }, deps: [['raw', 'orders']] }, { path: ['report'], deps: [['ledger']] }, { path: ['fresh'] }];

/** A webserver at `prefix` executing the real schema over `defs`; changedReasons is [] as in OSS. */
async function webserver(prefix: string, defs: readonly Def[]): Promise<{ url: string; close(): Promise<void> }> {
  const schema = dagsterSchema();
  const root = {
    assetNodes: () =>
      defs.map((d) => ({
        __typename: 'AssetNode',
        id: `finance.__repository__.${JSON.stringify(d.path).replace(/","/g, '", "')}`,
        assetKey: { __typename: 'AssetKey', path: d.path },
        changedReasons: [],
      })),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === `${prefix}${PAGE}`) return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE_HTML);
      if (req.method !== 'POST' || req.url !== `${prefix}/graphql`) return void res.writeHead(404).end();
      const { query } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string };
      const document = parse(query);
      const errors = validate(schema, document);
      const result = errors.length > 0 ? { errors } : execute({ schema, document, rootValue: root });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

let h: Harness;
let browser: Browser;
let production: Awaited<ReturnType<typeof webserver>>;
let branch: Awaited<ReturnType<typeof webserver>>;
let current: ChangedReasonsLookup | undefined;

before(async () => {
  h = await startHarness();
  production = await webserver('/dagster/production', PRODUCTION);
  branch = await webserver('/dagster/changes/42', BRANCH);
  const base = { ...h.config.upstreams.dagster!, timeoutMs: 10_000 };
  const deps = { maxClassifiedBodyBytes: h.config.limits.maxClassifiedBodyBytes, webSocketIdleMs: h.config.limits.webSocketIdleMs, decider: h.proxy.engine };
  h.proxy.routes.add(dagsterUpstream({ ...base, url: production.url, pathPrefix: '/dagster/production' }, { ...deps, name: 'dagster-production' }));
  h.proxy.routes.add(dagsterUpstream({ ...base, url: branch.url, pathPrefix: '/dagster/changes/42' }, { ...deps, name: 'dagster-change-42', changedReasons: () => current }));
  browser = await chromium.launch({ executablePath: requireExecutable(CHROMIUM, 'chromium'), headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await h?.close();
  await Promise.all([production?.close(), branch?.close()]);
});

/** The page at `prefix` in a fresh browser context (a bearer token on every request), its marks by key. */
async function marksAt(prefix: string): Promise<Record<string, string>> {
  const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${await h.token('ci-runner')}` } });
  try {
    await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
    const page: Page = await context.newPage();
    const response = await page.goto(`${h.base}${prefix}${PAGE}`);
    assert.equal(response?.status(), 200);
    await page.waitForFunction("document.getElementById('status')?.textContent !== 'loading'");
    assert.equal(await page.textContent('#status'), 'done');
    const items = await page.$$eval('li[data-key]', (list) => list.map((li) => [li.getAttribute('data-key') ?? '', li.textContent ?? ''] as const));
    return Object.fromEntries(items);
  } finally {
    await context.close();
  }
}

test('Chromium sees the branch deployment\'s changed assets marked, and none in production', { timeout: 120_000 }, async () => {
  assert.deepEqual(await marksAt('/dagster/changes/42'), { 'raw/orders': '', ledger: '', report: '', fresh: '' }, 'no result yet: Dagster\'s [] as is');

  const impact = classifyImpact({ assets: BRANCH.map(definition) }, { assets: PRODUCTION.map(definition) }, { patchset: 1, gitSha: 'c'.repeat(40) });
  current = changedReasonsLookup(impact);
  assert.deepEqual(impact.downstream.map((a) => a.key.join('/')), ['report']);

  assert.deepEqual(await marksAt('/dagster/changes/42'), { 'raw/orders': '', ledger: 'CODE_VERSION,TAGS', report: '', fresh: 'NEW' });
  assert.deepEqual(await marksAt('/dagster/production'), { 'raw/orders': '', ledger: '', report: '' });
});
