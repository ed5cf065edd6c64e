// The proxy when something around it fails: no policy, an unwritable audit log, a dead upstream,
// a broken policy edit, shutdown with requests in flight. Each must fail closed and say why.

import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../src/util/package-root.js';
import { eventually } from '../fakes/poll.js';
import { startHarness } from './harness.js';

const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

test('with no loadable policy every request is 503 and /readyz says why', async (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'changegate-nopolicy-'));
  const h = await startHarness({ policyPath: empty });
  t.after(async () => {
    await h.close();
    rmSync(empty, { recursive: true, force: true });
  });
  const res = await fetch(`${h.base}/changes/`, { headers: auth(await h.token('ci-runner')) });
  assert.equal(res.status, 503);
  assert.equal(((await res.json()) as Record<string, unknown>)['error'], 'policy_unavailable');
  assert.equal(h.gerrit.received.length, 0);
  const ready = await fetch(`${h.adminBase}/readyz`);
  assert.equal(ready.status, 503);
  assert.match(await ready.text(), /policy/);
});

test('an audit log that cannot be written refuses requests with 503 and turns /readyz false', async (t) => {
  // /dev/full accepts the open and fails every write with ENOSPC, as a full disk does.
  const h = await startHarness({ config: (c) => ({ ...c, audit: { path: '/dev/full' } }) });
  t.after(() => h.close());
  const res = await fetch(`${h.base}/changes/`, { headers: auth(await h.token('ci-runner')) });
  assert.equal(res.status, 503);
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal(body['error'], 'audit_unavailable');
  assert.equal(h.gerrit.received.length, 0, 'nothing is forwarded without its audit record');
  const again = await fetch(`${h.base}/changes/`, { headers: auth(await h.token('ci-runner')) });
  assert.equal(again.status, 503);
  assert.equal((await fetch(`${h.adminBase}/readyz`)).status, 503);
});

test('with audit.failOpenReads, a dead audit log lets reads through and still refuses writes', async (t) => {
  const h = await startHarness({ config: (c) => ({ ...c, audit: { path: '/dev/full', failOpenReads: true } }) });
  t.after(() => h.close());
  const token = await h.token('ci-runner');
  // The first write fails and takes the sink down; reads then go on, writes are refused.
  await fetch(`${h.base}/changes/`, { headers: auth(token) });
  const read = await fetch(`${h.base}/changes/`, { headers: auth(token) });
  assert.equal(read.status, 200);
  const write = await fetch(`${h.base}/projects/x`, { method: 'PUT', headers: auth(await h.token('deployer')) });
  assert.equal(write.status, 503);
  assert.equal(((await write.json()) as Record<string, unknown>)['error'], 'audit_unavailable');
  assert.equal((await fetch(`${h.adminBase}/readyz`)).status, 503, 'readiness stays false while the sink is down');
});

test('an unreachable upstream is 502 JSON naming it', async (t) => {
  const h = await startHarness({
    config: (c) => ({ ...c, upstreams: { ...(c['upstreams'] as object), dagster: { url: 'http://127.0.0.1:1', pathPrefix: '/dagster' } } }),
  });
  t.after(() => h.close());
  const res = await fetch(`${h.base}/dagster/graphql`, { headers: auth(await h.token('ci-runner')) });
  assert.equal(res.status, 502);
  const body = (await res.json()) as Record<string, unknown>;
  assert.equal(body['error'], 'upstream_unavailable');
  assert.match(String(body['reason']), /dagster/);
  // Gerrit is unaffected, and readiness does not depend on upstreams.
  assert.equal((await fetch(`${h.base}/changes/`, { headers: auth(await h.token('ci-runner')) })).status, 200);
  assert.equal((await fetch(`${h.adminBase}/readyz`)).status, 200);
});

test('X-Forwarded-For from a client is replaced unless the peer is a trusted proxy', async (t) => {
  const untrusted = await startHarness();
  t.after(() => untrusted.close());
  await fetch(`${untrusted.base}/changes/`, { headers: { ...auth(await untrusted.token('ci-runner')), 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' } });
  const seen = untrusted.gerrit.received.at(-1)!;
  assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(seen.headers['x-forwarded-proto'], 'http');

  const trusted = await startHarness({ config: (c) => ({ ...c, trustedProxies: ['127.0.0.1/32'] }) });
  t.after(() => trusted.close());
  await fetch(`${trusted.base}/changes/`, { headers: { ...auth(await trusted.token('ci-runner')), 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' } });
  const via = trusted.gerrit.received.at(-1)!;
  assert.match(String(via.headers['x-forwarded-for']), /^203\.0\.113\.9, 127\.0\.0\.1$/);
  assert.equal(via.headers['x-forwarded-proto'], 'https');
});

test('shutdown drains a request in flight', async (t) => {
  const h = await startHarness();
  t.after(() => h.close().catch(() => undefined));
  const token = await h.token('ci-runner');
  const inFlight = fetch(`${h.base}/changes/slow?ms=600`, { headers: auth(token) });
  await eventually('the slow request to reach the upstream', () => h.gerrit.received.some((r) => r.url.includes('/changes/slow')));
  const closed = h.proxy.close();
  const res = await inFlight;
  assert.equal(res.status, 200);
  await res.text();
  await closed;
  await assert.rejects(fetch(`${h.base}/changes/`, { headers: auth(token) }), 'new connections are refused after close');
});

test('a broken policy edit never replaces the working policy; a good one does', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'changegate-reload-'));
  cpSync(join(packageRoot(), 'policies'), dir, { recursive: true });
  const h = await startHarness({ policyPath: dir, config: (c) => ({ ...c, policy: { ...(c['policy'] as object), watch: true } }) });
  t.after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const first = h.proxy.engine.revision;
  const token = await h.token('ci-runner');
  // Each edit is followed by the watcher's verdict on it, read from /metrics: no guessed waits.
  const rejected = (): Promise<number> => reloads(h.adminBase, 'rejected');
  writeFileSync(join(dir, 'broken.rego'), 'package changegate\n\nallow if {\n');
  await eventually('the broken edit to be rejected', async () => (await rejected()) >= 1);
  assert.equal(h.proxy.engine.revision, first, 'a syntax error is not loaded');
  assert.equal((await fetch(`${h.base}/changes/`, { headers: auth(token) })).status, 200);
  rmSync(join(dir, 'broken.rego'));
  // A policy whose own tests fail is not loaded either.
  mkdirSync(join(dir, 'extra'), { recursive: true });
  const before = await rejected();
  writeFileSync(join(dir, 'extra', 'failing_test.rego'), 'package extra_test\n\ntest_always_fails if false\n');
  await eventually('the edit with a failing test to be rejected', async () => (await rejected()) > before);
  assert.equal(h.proxy.engine.revision, first, 'failing tests block the reload');
  rmSync(join(dir, 'extra'), { recursive: true });
  // A good edit: CI may no longer read Gerrit.
  writeFileSync(join(dir, 'deny_ci.rego'), 'package changegate.gerrit\n\ndenies contains "ci_frozen" if {\n\tinput.resource.upstream == "gerrit"\n\t"ci" in input.subject.roles\n}\n');
  // Bounded wait for the watcher: a reload compiles the whole directory.
  await eventually('the good edit to take effect', async () => (await fetch(`${h.base}/changes/`, { headers: auth(token) })).status === 403, { timeoutMs: 20_000, intervalMs: 100 });
  assert.notEqual(h.proxy.engine.revision, first);
});

/** changegate_policy_reloads_total{result} from the admin listener's /metrics. */
async function reloads(adminBase: string, result: 'loaded' | 'rejected'): Promise<number> {
  const text = await (await fetch(`${adminBase}/metrics`)).text();
  const m = new RegExp(`^changegate_policy_reloads_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text);
  return m === null ? 0 : Number(m[1]);
}
