import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isObjectType } from 'graphql';
import { parseDocument, selectOperation } from '../../../../src/upstreams/dagster/graphql/document.js';
import { changedReasonsLookup } from '../../../../src/upstreams/dagster/impact/lookup.js';
import { parseAssetNodeId, planChangedReasons, rewriteChangedReasons } from '../../../../src/upstreams/dagster/impact/rewrite.js';
import { CHANGE_REASONS, type AssetImpact, type ChangeReason, type ChangedAsset } from '../../../../src/upstreams/dagster/impact/types.js';
import { testSchema } from '../harness.js';

const changed = (path: string, reasons: ChangeReason[], location = 'finance'): ChangedAsset => ({ key: path.split('/'), location, repository: '__repository__', group: 'default', tags: {}, owners: [], reasons });
const IMPACT: AssetImpact = {
  computedFor: { patchset: 1, gitSha: 'f'.repeat(40) },
  assets: [changed('ledger', ['CODE_VERSION', 'TAGS']), changed('raw/new', ['NEW']), changed('gone', ['REMOVED']), changed('twin', ['NEW'], 'finance'), changed('twin', ['TAGS'], 'ops')],
  downstream: [],
  counts: Object.fromEntries(CHANGE_REASONS.map((r) => [r, 0])) as Record<ChangeReason, number>,
};
const LOOKUP = changedReasonsLookup(IMPACT);

/** Plans `query` (validated against Dagster's schema), rewrites `data` in place, returns it. */
function rewrite(query: string, data: unknown, variables: Record<string, unknown> = {}, validated = true): { count: number; data: unknown } {
  const op = selectOperation(parseDocument(query, validated ? testSchema() : undefined), undefined, variables);
  const plan = planChangedReasons(op);
  const response = { data };
  return { count: plan === undefined ? 0 : rewriteChangedReasons(response, plan, LOOKUP), data: response.data };
}

const id = (location: string, path: string[]) => `${location}.__repository__.${JSON.stringify(path).replace(/","/g, '", "')}`;

test('changedReasons is a field of AssetNode only (what lets the rewrite find nodes without a schema)', () => {
  const owners = Object.values(testSchema().getTypeMap()).filter((t) => isObjectType(t) && Object.hasOwn(t.getFields(), 'changedReasons')).map((t) => t.name);
  assert.deepEqual(owners, ['AssetNode']);
});

test('assetNodes with aliases: every alias of changedReasons, unchanged nodes keep []', () => {
  const { count, data } = rewrite(
    `query { nodes: assetNodes { key: assetKey { p: path } changedReasons why: changedReasons } }`,
    { nodes: [{ key: { p: ['ledger'] }, changedReasons: [], why: [] }, { key: { p: ['calm'] }, changedReasons: [], why: [] }, { key: { p: ['raw', 'new'] }, changedReasons: [], why: [] }] },
  );
  assert.equal(count, 4);
  assert.deepEqual(data, {
    nodes: [
      { key: { p: ['ledger'] }, changedReasons: ['CODE_VERSION', 'TAGS'], why: ['CODE_VERSION', 'TAGS'] },
      { key: { p: ['calm'] }, changedReasons: [], why: [] },
      { key: { p: ['raw', 'new'] }, changedReasons: ['NEW'], why: ['NEW'] },
    ],
  });
});

test('named and inline fragments, nested: assetOrError -> definition, and lineage (dependedBy -> asset)', () => {
  const query = `
    query AssetView($k: AssetKeyInput!) {
      assetOrError(assetKey: $k) {
        ... on Asset { definition { ...Node dependedBy { asset { ...Node } } dependencies { asset { assetKey { path } marks: changedReasons } } } }
        ... on AssetNotFoundError { message }
      }
    }
    fragment Node on AssetNode { id changedReasons }`;
  const { count, data } = rewrite(query, {
    assetOrError: {
      definition: {
        id: id('finance', ['ledger']),
        changedReasons: [],
        dependedBy: [{ asset: { id: id('finance', ['raw', 'new']), changedReasons: [] } }, { asset: { id: id('finance', ['calm']), changedReasons: [] } }],
        dependencies: [{ asset: { assetKey: { path: ['twin'] }, marks: [] } }],
      },
    },
  }, { k: { path: ['ledger'] } });
  assert.equal(count, 2, 'ledger and raw/new; twin by key alone is ambiguous (two locations, different reasons)');
  const def = (data as { assetOrError: { definition: Record<string, unknown> } }).assetOrError.definition;
  assert.deepEqual(def['changedReasons'], ['CODE_VERSION', 'TAGS']);
  assert.deepEqual((def['dependedBy'] as { asset: { changedReasons: string[] } }[]).map((d) => d.asset.changedReasons), [['NEW'], []]);
  assert.deepEqual((def['dependencies'] as { asset: { marks: string[] } }[])[0]!.asset.marks, []);
});

test('location and repository from the query tell apart a key two locations define', () => {
  const { data } = rewrite(`{ assetNodes { assetKey { path } repository { name location { name } } changedReasons } }`, {
    assetNodes: [
      { assetKey: { path: ['twin'] }, repository: { name: '__repository__', location: { name: 'finance' } }, changedReasons: [] },
      { assetKey: { path: ['twin'] }, repository: { name: '__repository__', location: { name: 'ops' } }, changedReasons: [] },
    ],
  });
  assert.deepEqual((data as { assetNodes: { changedReasons: string[] }[] }).assetNodes.map((n) => n.changedReasons), [['NEW'], ['TAGS']]);
});

test('no assetKey or id selected: the node cannot be named and keeps Dagster\'s answer', () => {
  const { count, data } = rewrite(`{ assetNodes { groupName changedReasons } }`, { assetNodes: [{ groupName: 'default', changedReasons: [] }] });
  assert.equal(count, 0);
  assert.deepEqual(data, { assetNodes: [{ groupName: 'default', changedReasons: [] }] });
});

test('without a schema (nothing validates): a key shared across a union is left alone on the other member, odd shapes untouched', () => {
  // Dagster's validation refuses such a document (conflicting types); without graphqlSchema the proxy does not.
  const query = `{ assetNodeOrError(assetKey: {path: ["ledger"]}) { __typename ... on AssetNode { id x: changedReasons } ... on AssetNotFoundError { x: message } } }`;
  const notFound = rewrite(query, { assetNodeOrError: { __typename: 'AssetNotFoundError', x: ['not found'] } }, {}, false);
  assert.equal(notFound.count, 0);
  assert.deepEqual(notFound.data, { assetNodeOrError: { __typename: 'AssetNotFoundError', x: ['not found'] } });
  const found = rewrite(query, { assetNodeOrError: { __typename: 'AssetNode', id: id('finance', ['ledger']), x: [] } }, {}, false);
  assert.deepEqual(found.data, { assetNodeOrError: { __typename: 'AssetNode', id: id('finance', ['ledger']), x: ['CODE_VERSION', 'TAGS'] } });
  assert.equal(rewrite(`{ assetNodes { id changedReasons } }`, { assetNodes: [{ id: id('finance', ['ledger']), changedReasons: 'x' }] }).count, 0);
  assert.equal(rewrite(`{ assetNodes { id changedReasons } }`, null).count, 0);
});

test('a query without changedReasons is not planned', () => {
  const op = selectOperation(parseDocument('{ assetNodes { id } }', testSchema()), undefined, {});
  assert.equal(planChangedReasons(op), undefined);
});

test('AssetNode.id: location, repository and key as Dagster builds it', () => {
  assert.deepEqual(parseAssetNodeId('finance.__repository__.["a", "b"]'), { key: ['a', 'b'], where: { location: 'finance', repository: '__repository__' } });
  assert.deepEqual(parseAssetNodeId('my.dotted.loc.repo.["a"]'), { key: ['a'], where: { location: 'my.dotted.loc', repository: 'repo' } });
  assert.deepEqual(parseAssetNodeId('["a"]'), { key: ['a'] });
  for (const bad of ['finance.repo.a', 'x.[', 'x.y.[1]', 'x.y.[]', '']) assert.equal(parseAssetNodeId(bad), undefined, bad);
});
