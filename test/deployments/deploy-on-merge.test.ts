// Deploy on merge with fakes: reload and launch once per merged change, decided and audited
// before each step, and a merge Gerrit could not confirm is not taken for done.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditRecord, AuditSink } from '../../src/audit/types.js';
import { DeployOnMerge, DEPLOY_TAG } from '../../src/deployments/deploy-on-merge.js';
import type { ChangeMessage } from '../../src/deployments/types.js';
import type { Decider } from '../../src/policy/types.js';
import { FakeSource, snapshot } from './controller-harness.js';

function setup(allow = true) {
  const source = new FakeSource();
  const records: AuditRecord[] = [];
  const launched: string[] = [];
  const reloaded: string[] = [];
  const audit: AuditSink = { append: async (r) => void records.push(r), ready: true, notReadyReason: undefined, close: async () => undefined };
  const decider: Decider = { ready: true, decide: () => ({ allow, reasons: [allow ? 'service' : 'denied'], revision: 't' }) };
  const dom = new DeployOnMerge({
    rules: [{ project: 'data/*', branch: 'main', locations: ['finance'], launch: [{ location: 'finance', job: 'smoke_test', repository: '__repository__' }] }],
    source,
    production: {
      reload: async (location) => (reloaded.push(location), { name: location, loaded: true }),
      launch: async (p) => (launched.push(`${p.job}:${p.tags['gerrit/change-number']}`), 'run-1'),
      runLink: (id) => `https://dagster.example.com/runs/${id}`,
    },
    decider,
    audit,
    kind: 'dagster',
    now: () => new Date('2026-03-01T00:00:00.000Z'),
    log: () => undefined,
  });
  return { source, records, launched, reloaded, dom, posts: source.posts as ChangeMessage[] };
}

test('a merged change of a mapped project and branch reloads, launches once, and says so on the change', async () => {
  const s = setup();
  s.source.set(snapshot(1, 2, { status: 'MERGED' }));
  s.dom.merged(1);
  s.dom.merged(1); // the submit's signal and the webhook's event
  await s.dom.settled();
  assert.deepEqual(s.reloaded, ['finance']);
  assert.deepEqual(s.launched, ['smoke_test:1']);
  assert.deepEqual(s.records.map((r) => r.kind), ['decision', 'completion', 'decision', 'completion']);
  assert.equal(s.posts[0]?.tag, DEPLOY_TAG);
  assert.match(s.posts[0]!.message, /launched smoke_test in finance: run run-1 https:\/\/dagster\.example\.com\/runs\/run-1/);
});

test('unmapped branch or project, or a change not merged, does nothing', async () => {
  const s = setup();
  s.source.set(snapshot(2, 1, { status: 'MERGED', branch: 'release' }));
  s.source.set(snapshot(3, 1, { status: 'MERGED', project: 'other' }));
  s.source.set(snapshot(4, 1, { status: 'OPEN' }));
  for (const n of [2, 3, 4, 5]) s.dom.merged(n);
  await s.dom.settled();
  assert.deepEqual([...s.reloaded, ...s.launched], []);
  assert.deepEqual(s.posts, []);
});

test('a merge Gerrit could not confirm is deployed by the next signal, not dropped as a repeat', async () => {
  const s = setup();
  s.source.set(snapshot(6, 1, { status: 'MERGED' }));
  s.source.unreachable = true;
  s.dom.merged(6);
  await s.dom.settled();
  assert.deepEqual(s.launched, []);
  s.source.unreachable = false;
  s.dom.merged(6);
  await s.dom.settled();
  assert.deepEqual(s.launched, ['smoke_test:6']);
});

test('a step the policy refuses is audited and not taken', async () => {
  const s = setup(false);
  s.source.set(snapshot(7, 1, { status: 'MERGED' }));
  s.dom.merged(7);
  await s.dom.settled();
  assert.deepEqual([...s.reloaded, ...s.launched], []);
  assert.equal(s.records.filter((r) => r.kind === 'decision').length, 2);
  assert.match(s.posts[0]!.message, /reload finance: refused by policy \(denied\)/);
});
