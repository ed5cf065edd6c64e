import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImpactTracker } from '../../../../src/upstreams/dagster/impact/tracker.js';
import type { AssetDefinition, AssetGraph } from '../../../../src/upstreams/dagster/impact/types.js';

function asset(path: string, codeVersion: string | null = null): AssetDefinition {
  return { key: path.split('/'), location: 'finance', repository: '__repository__', codeVersion, dependencies: [], tags: {}, metadata: {}, partitions: null, group: 'default', owners: [], kinds: [] };
}

const PROD = 'http://prod/graphql';

function setup() {
  const graphs = new Map<string, AssetGraph>([
    [PROD, { assets: [asset('a', '1')] }],
    ['http://b42/graphql', { assets: [asset('a', '2')] }],
    ['http://b43/graphql', { assets: [asset('a', '1'), asset('n')] }],
  ]);
  const reads: string[] = [];
  const gates = new Map<string, Promise<void>>();
  let revision = 'r1';
  const tracker = new ImpactTracker({
    productionEndpoint: PROD,
    productionRevision: () => revision,
    read: async (endpoint) => {
      reads.push(endpoint);
      await gates.get(endpoint);
      const g = graphs.get(endpoint);
      if (g === undefined) throw new Error(`no webserver at ${endpoint}`);
      return g;
    },
  });
  return { tracker, reads, graphs, gates, setRevision: (r: string) => (revision = r) };
}

const PS1 = { patchset: 1, gitSha: '1'.repeat(40) };
const PS2 = { patchset: 2, gitSha: '2'.repeat(40) };

test('computes per change, production read once per revision and shared', async () => {
  const { tracker, reads, setRevision } = setup();
  const i42 = await tracker.compute(42, 'http://b42/graphql', PS1);
  const i43 = await tracker.compute(43, 'http://b43/graphql', PS1);
  assert.deepEqual(i42?.assets.map((a) => a.reasons), [['CODE_VERSION']]);
  assert.deepEqual(i43?.assets.map((a) => a.reasons), [['NEW']]);
  assert.equal(i42?.computedFor.productionRevision, 'r1');
  assert.deepEqual(reads, ['http://b42/graphql', PROD, 'http://b43/graphql']);
  setRevision('r2');
  tracker.productionReloaded();
  await tracker.compute(42, 'http://b42/graphql', PS1);
  assert.equal(reads.filter((r) => r === PROD).length, 2);
});

test('stale results are never served: another patch set, another commit, production moved', async () => {
  const { tracker, setRevision } = setup();
  await tracker.compute(42, 'http://b42/graphql', PS1);
  const getter = tracker.reasons(42, PS1);
  assert.deepEqual(getter()?.reasonsFor(['a']), ['CODE_VERSION']);
  assert.ok(tracker.current(42, PS1) !== undefined);
  assert.equal(tracker.current(42, PS2), undefined);
  assert.equal(tracker.current(42, { patchset: 1, gitSha: 'f'.repeat(40) }), undefined);
  assert.equal(tracker.reasons(42, PS2)(), undefined);
  setRevision('r2');
  assert.equal(getter(), undefined, 'production moved on: stale');
  assert.equal(tracker.current(42, PS1), undefined);
  tracker.forget(42);
  setRevision('r1');
  assert.equal(getter(), undefined, 'forgotten');
});

test('a newer compute for the change wins; a failed read leaves no result and is not cached', async () => {
  const { tracker, gates, graphs } = setup();
  let open!: () => void;
  gates.set('http://b42/graphql', new Promise<void>((r) => (open = r)));
  const older = tracker.compute(42, 'http://b42/graphql', PS1);
  gates.delete('http://b42/graphql');
  graphs.set('http://b42-ps2/graphql', { assets: [asset('a', '1')] });
  const newer = await tracker.compute(42, 'http://b42-ps2/graphql', PS2);
  open();
  assert.equal(await older, undefined, 'overtaken');
  assert.deepEqual(newer?.assets, []);
  assert.ok(tracker.current(42, PS2) !== undefined);

  await assert.rejects(tracker.compute(42, 'http://gone/graphql', PS2), /no webserver/);
  assert.equal(tracker.current(42, PS2), undefined, 'no current result after a failed compute');

  graphs.delete(PROD);
  tracker.productionReloaded();
  await assert.rejects(tracker.compute(43, 'http://b43/graphql', PS1), /no webserver at http:\/\/prod/);
  graphs.set(PROD, { assets: [asset('a', '1')] });
  assert.ok((await tracker.compute(43, 'http://b43/graphql', PS1)) !== undefined, 'the failed production read was not cached');
});
