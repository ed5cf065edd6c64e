// Routes change while the proxy serves: a second Dagster webserver (a branch deployment, say)
// is added under /dagster/changes/42 without a restart, takes its requests at once, and is
// removed again: new requests fall back to the main Dagster route while the one it was serving
// finishes, and nothing is dropped. Through the real proxy, with the default policies.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { dagsterUpstream } from '../../src/upstreams/dagster/index.js';
import { startHarness, type Harness } from './harness.js';
import { eventually } from '../fakes/poll.js';

let h: Harness;
let held: { url: string; paths: string[]; release(): void; close(): Promise<void> };

/** A Dagster stand-in that holds every answer until released, so a request stays in flight. */
async function holdingUpstream(): Promise<typeof held> {
  const paths: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    void released.then(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('branch deployment'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    release,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

before(async () => {
  h = await startHarness();
  held = await holdingUpstream();
});

after(async () => {
  await h?.close();
  await held?.close();
});

test('a Dagster webserver added and removed while serving: in-flight requests finish, new ones go to the next route', { timeout: 60_000 }, async () => {
  const auth = { authorization: `Bearer ${await h.token('ci-runner')}` };
  const viaMain = h.dagster.received.length;
  assert.equal((await fetch(`${h.base}/dagster/changes/42/runs`, { headers: auth })).status, 200);
  assert.equal(h.dagster.received.length, viaMain + 1, 'before the add, the main Dagster route serves it');

  const config = { ...h.config.upstreams.dagster!, url: held.url, pathPrefix: '/dagster/changes/42', timeoutMs: 10_000 };
  h.proxy.routes.add(dagsterUpstream(config, { name: 'dagster-change-42', maxClassifiedBodyBytes: h.config.limits.maxClassifiedBodyBytes, webSocketIdleMs: h.config.limits.webSocketIdleMs, decider: h.proxy.engine }));
  assert.deepEqual(h.proxy.routes.list().map((u) => u.name), ['dagster-change-42', 'dagster', 'gerrit']);

  const inFlight = fetch(`${h.base}/dagster/changes/42/runs`, { headers: auth });
  await eventually('the request to reach the added webserver', () => held.paths.length === 1);
  assert.equal(held.paths[0], '/dagster/changes/42/runs', 'forwarded unstripped, as every route is');

  let removed = false;
  const removal = h.proxy.routes.remove('dagster-change-42').then(() => (removed = true));
  const after = await fetch(`${h.base}/dagster/changes/42/runs`, { headers: auth });
  assert.equal(after.status, 200);
  assert.equal(h.dagster.received.length, viaMain + 2, 'a new request goes to the main Dagster route');
  assert.equal(removed, false, 'the removal waits for the request in flight');

  held.release();
  const res = await inFlight;
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'branch deployment');
  await removal;
  assert.deepEqual(h.proxy.routes.list().map((u) => u.name), ['dagster', 'gerrit']);
  assert.equal(held.paths.length, 1);
});

test('the added webserver keeps Dagster\'s admission rule and policy: %2F is refused, an unknown mutation denied', { timeout: 60_000 }, async () => {
  const config = { ...h.config.upstreams.dagster!, url: held.url, pathPrefix: '/dagster/changes/43', timeoutMs: 10_000 };
  h.proxy.routes.add(dagsterUpstream(config, { name: 'dagster-change-43', maxClassifiedBodyBytes: h.config.limits.maxClassifiedBodyBytes, webSocketIdleMs: h.config.limits.webSocketIdleMs, decider: h.proxy.engine }));
  try {
    const auth = { authorization: `Bearer ${await h.token('ci-runner')}` };
    const encoded = await fetch(`${h.base}/dagster/changes/43/graphql%2Fx`, { headers: auth });
    assert.equal(encoded.status, 400);
    assert.match(await encoded.text(), /encoded slash/);
    const mutation = await fetch(`${h.base}/dagster/changes/43/graphql`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { somethingNew { __typename } }' }),
    });
    assert.equal(mutation.status, 403);
    assert.equal(held.paths.length, 1, 'nothing more reached the added webserver');
  } finally {
    await h.proxy.routes.remove('dagster-change-43');
  }
});
