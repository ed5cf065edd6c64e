// Change tracking against two Dagster stand-ins serving the real schema (production and a branch
// deployment), over GraphQL as against real webservers: every reason, several at once, a removed
// asset, a dependency change deep in the graph, a key two locations define, reach downstream,
// and the branch's reload seen on the next read.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { classifyImpact, fetchAssetGraph } from '../../../../src/upstreams/dagster/index.js';
import { startFakeDagster, type FakeDagster, type LocationDefinitions } from '../../../fakes/dagster/index.js';

const PRODUCTION: LocationDefinitions[] = [
  {
    name: 'finance',
    jobs: ['ledger_job'],
    assets: [
      { key: ['raw', 'orders'], group: 'raw' },
      { key: ['raw', 'fx'], group: 'raw' },
      { key: ['ledger'], opVersion: '1', deps: [['raw', 'orders']], tags: { tier: 'gold' }, owners: ['ann@example.test', 'team:finance'] },
      { key: ['daily'], deps: [['ledger']], partitions: { type: 'TIME_WINDOW', description: 'Daily, starting 2024-01-01' } },
      { key: ['report'], deps: [['daily']], metadata: { owner_note: 'a' } },
      { key: ['deep', 'a'], deps: [['report']] },
      { key: ['deep', 'b'], deps: [['deep', 'a'], ['raw', 'orders']] },
      { key: ['deep', 'c'], deps: [['deep', 'b']] },
      { key: ['legacy'] },
      { key: ['shared'], tags: { x: '1' } },
    ],
  },
  { name: 'marketing', assets: [{ key: ['shared'], tags: { x: '1' } }, { key: ['campaigns'], deps: [['deep', 'c']] }] },
];

const BRANCH: LocationDefinitions[] = [
  {
    name: 'finance',
    jobs: ['ledger_job'],
    assets: [
      { key: ['raw', 'orders'], group: 'raw' },
      { key: ['raw', 'fx'], group: 'raw' },
      // Several at once; tags reordered would not count, a changed value does.
      { key: ['ledger'], opVersion: '2', deps: [['raw', 'orders']], tags: { tier: 'platinum' }, owners: ['ann@example.test', 'team:finance'] },
      { key: ['daily'], deps: [['ledger']], partitions: { type: 'TIME_WINDOW', description: 'Daily, starting 2025-01-01' } },
      { key: ['report'], deps: [['daily']], metadata: { owner_note: 'b' } },
      { key: ['deep', 'a'], deps: [['report']] },
      // A dependency change deep in the graph.
      { key: ['deep', 'b'], deps: [['deep', 'a'], ['raw', 'fx']] },
      { key: ['deep', 'c'], deps: [['deep', 'b']] },
      { key: ['fresh'], deps: [['ledger']] },
      { key: ['shared'], tags: { x: '2' } },
    ],
  },
  { name: 'marketing', assets: [{ key: ['shared'], tags: { x: '1' } }, { key: ['campaigns'], deps: [['deep', 'c']] }] },
];

let production: FakeDagster;
let branch: FakeDagster;

before(async () => {
  production = await startFakeDagster({ definitions: PRODUCTION });
  branch = await startFakeDagster({ definitions: BRANCH, pathPrefix: '/dagster/changes/42' });
});

after(async () => {
  await Promise.all([production?.close(), branch?.close()]);
});

const FOR = { patchset: 2, gitSha: 'b'.repeat(40) };

test('two stand-ins: every reason, several at once, removed, deep dependency change, reach', async () => {
  const [b, p] = await Promise.all([fetchAssetGraph({ endpoint: `${branch.url}/graphql`, batchSize: 3 }), fetchAssetGraph({ endpoint: `${production.url}/graphql`, batchSize: 4 })]);
  assert.equal(b.assets.length, 12);
  assert.equal(p.assets.length, 12);
  const impact = classifyImpact(b, p, FOR);
  assert.deepEqual(
    impact.assets.map((a) => [`${a.location}:${a.key.join('/')}`, a.reasons.join(',')]),
    [
      ['finance:daily', 'PARTITIONS_DEFINITION'],
      ['finance:deep/b', 'DEPENDENCIES'],
      ['finance:fresh', 'NEW'],
      ['finance:ledger', 'CODE_VERSION,TAGS'],
      ['finance:legacy', 'REMOVED'],
      ['finance:report', 'METADATA'],
      ['finance:shared', 'TAGS'],
    ],
  );
  const ledger = impact.assets.find((a) => a.key.join('/') === 'ledger')!;
  assert.deepEqual(ledger.owners, ['ann@example.test', 'team:finance']);
  assert.deepEqual(ledger.tags, { tier: 'platinum' });
  assert.deepEqual(impact.downstream.map((a) => `${a.location}:${a.key.join('/')}`), ['marketing:campaigns', 'finance:deep/a', 'finance:deep/c']);
  assert.deepEqual(impact.counts, { NEW: 1, CODE_VERSION: 1, DEPENDENCIES: 1, PARTITIONS_DEFINITION: 1, TAGS: 2, METADATA: 1, REMOVED: 1 });
});

test('after the branch reloads with production\'s code, nothing changed', async () => {
  branch.redefine(PRODUCTION, { reload: true });
  const [b, p] = await Promise.all([fetchAssetGraph({ endpoint: `${branch.url}/graphql` }), fetchAssetGraph({ endpoint: `${production.url}/graphql` })]);
  const impact = classifyImpact(b, p, FOR);
  assert.deepEqual(impact.assets, []);
  assert.deepEqual(impact.downstream, []);
});
