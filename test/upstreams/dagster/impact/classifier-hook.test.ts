// The classifier's hook: on an instance with a changedReasons getter, a query that selects
// changedReasons asks for a response rewrite (and only such a query: others stream as before);
// an instance without one (production) never does. Several in-place rewrites share one parse.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { changedReasonsLookup } from '../../../../src/upstreams/dagster/impact/lookup.js';
import { jsonResponseRewrite } from '../../../../src/upstreams/dagster/graphql/json-rewrite.js';
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

test('several in-place rewrites: one parse, in order, serialised only when one changed something, one failing skipped', () => {
  const add = (k: string) => (r: unknown) => ((r as Record<string, unknown>)[k] = Object.keys(r as object).length, 1);
  const both = jsonResponseRewrite([add('a'), () => { throw new Error('boom'); }, add('b')], 10)!;
  assert.equal(both.maxBytes, 10);
  assert.equal(both.rewrite(Buffer.from('{"x":1}')).toString(), '{"x":1,"a":1,"b":2}');
  const none = jsonResponseRewrite([() => 0], 10)!;
  const body = Buffer.from('{ "x" : 1 }');
  assert.equal(none.rewrite(body), body, 'unchanged: the original bytes');
  assert.equal(both.rewrite(Buffer.from('<html>')).toString(), '<html>');
  assert.equal(jsonResponseRewrite([], 10), undefined);
});
