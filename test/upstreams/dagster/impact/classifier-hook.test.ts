// The classifier's hook: on an instance with a changedReasons getter, a query that selects
// changedReasons asks for a response rewrite (and only such a query: others stream as before);
// an instance without one (production) never does. Two rewrites chain in order.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { changedReasonsLookup } from '../../../../src/upstreams/dagster/impact/lookup.js';
import { chainRewrites } from '../../../../src/upstreams/dagster/impact/response.js';
import { CHANGE_REASONS, type AssetImpact, type ChangeReason } from '../../../../src/upstreams/dagster/impact/types.js';
import type { ChangedReasonsLookup } from '../../../../src/upstreams/dagster/impact/lookup.js';
import { classify, startClassifyServer, testSchema, type ClassifyServer } from '../harness.js';

const IMPACT: AssetImpact = {
  computedFor: { patchset: 1, gitSha: 'a'.repeat(40) },
  assets: [{ key: ['ledger'], location: 'finance', repository: '__repository__', group: 'default', tags: {}, owners: [], reasons: ['NEW'] }],
  downstream: [],
  counts: Object.fromEntries(CHANGE_REASONS.map((r) => [r, 0])) as Record<ChangeReason, number>,
};

let branch: ClassifyServer;
let production: ClassifyServer;
let current: ChangedReasonsLookup | undefined;

before(async () => {
  branch = await startClassifyServer({ pathPrefix: '/dagster', maxClassifiedBodyBytes: 1 << 20, schema: testSchema(), changedReasons: () => current });
  production = await startClassifyServer({ pathPrefix: '/dagster', maxClassifiedBodyBytes: 1 << 20, schema: testSchema() });
});

after(async () => {
  await Promise.all([branch?.close(), production?.close()]);
});

const QUERY = JSON.stringify({ query: '{ assetNodes { assetKey { path } changedReasons } }' });
const ANSWER = JSON.stringify({ data: { assetNodes: [{ assetKey: { path: ['ledger'] }, changedReasons: [] }] } });

test('branch: filled once a result exists, Dagster\'s [] before', async () => {
  current = undefined;
  const before = await classify(branch, { body: QUERY, contentType: 'application/json', user: 'ann', headers: { 'x-test-upstream-body': ANSWER } });
  assert.equal(before.rewrite?.body, ANSWER);
  current = changedReasonsLookup(IMPACT);
  const after = await classify(branch, { body: QUERY, contentType: 'application/json', user: 'ann', headers: { 'x-test-upstream-body': ANSWER } });
  assert.deepEqual(JSON.parse(after.rewrite?.body ?? 'null'), { data: { assetNodes: [{ assetKey: { path: ['ledger'] }, changedReasons: ['NEW'] }] } });
});

test('no rewrite asked for a query without changedReasons, nor ever on production', async () => {
  current = changedReasonsLookup(IMPACT);
  const other = await classify(branch, { body: JSON.stringify({ query: '{ assetNodes { assetKey { path } } }' }), contentType: 'application/json', user: 'ann' });
  assert.equal(other.rewrite, undefined);
  const prod = await classify(production, { body: QUERY, contentType: 'application/json', user: 'ann' });
  assert.equal(prod.rewrite, undefined);
});

test('chained rewrites run in order, with the smaller limit', () => {
  const a = { maxBytes: 10, rewrite: (b: Buffer) => Buffer.from(`${b.toString()}a`) };
  const b = { maxBytes: 20, rewrite: (x: Buffer) => Buffer.from(`${x.toString()}b`) };
  const both = chainRewrites(a, b)!;
  assert.equal(both.maxBytes, 10);
  assert.equal(both.rewrite(Buffer.from('x')).toString(), 'xab');
  assert.equal(chainRewrites(undefined, b), b);
  assert.equal(chainRewrites(a, undefined), a);
  assert.equal(chainRewrites(undefined, undefined), undefined);
});
