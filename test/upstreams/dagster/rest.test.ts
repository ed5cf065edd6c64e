// Dagster's routes outside GraphQL: the unchecked asset report writes and the data reads.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classify, startClassifyServer, type ClassifyServer, type Send } from './harness.js';

const JSON_TYPE = 'application/json';

const rows: { send: Send; action: string; resource?: Record<string, unknown> }[] = [
  { send: { method: 'POST', path: '/dagster/report_asset_materialization/a/b', contentType: JSON_TYPE, body: '{}' }, action: 'dagster.asset.report', resource: { assetKeys: ['a/b'], route: 'report_asset_materialization' } },
  { send: { method: 'POST', path: '/dagster/report_asset_check/a%2Fb' }, action: 'dagster.asset.report', resource: { assetKeys: ['a/b'] } },
  { send: { method: 'POST', path: '/dagster/x/../report_asset_observation/k' }, action: 'dagster.asset.report', resource: { assetKeys: ['k'] } },
  { send: { method: 'POST', path: '/dagster/%72eport_asset_observation/k' }, action: 'dagster.asset.report', resource: { assetKeys: ['k'] } },
  { send: { method: 'GET', path: '/dagster/report_asset_observation/k' }, action: 'dagster.read', resource: { route: 'report_asset_observation' } },
  { send: { method: 'PUT', path: '/dagster/report_asset_observation/k' }, action: 'dagster.write.unknown' },
  { send: { method: 'GET', path: '/dagster/logs/run-1/compute_logs/step.out' }, action: 'dagster.read', resource: { route: 'logs', logKey: 'run-1/compute_logs/step.out' } },
  { send: { method: 'GET', path: '/dagster/download_debug/run-1' }, action: 'dagster.read', resource: { route: 'download_debug', runIds: ['run-1'] } },
  { send: { method: 'GET', path: '/dagster/notebook?repoLocName=finance&path=x.ipynb' }, action: 'dagster.read', resource: { route: 'notebook', location: 'finance' } },
  { send: { method: 'GET', path: '/dagster/dagit/notebook?repoLocName=ml' }, action: 'dagster.read', resource: { location: 'ml' } },
  { send: { method: 'GET', path: '/dagster/runs' }, action: 'dagster.read', resource: { route: 'ui' } },
  { send: { method: 'PUT', path: '/dagster/runs' }, action: 'dagster.write.unknown' },
  { send: { method: 'DELETE', path: '/dagster/logs/x' }, action: 'dagster.write.unknown' },
];

/** Asset reports whose key is not in the path: where Dagster finds it, we find the same one. */
const keys: { name: string; send: Send; key: string; buffered: boolean }[] = [
  { name: 'legacy ?asset_key= split on non-word characters', send: { path: '/dagster/report_asset_materialization/?asset_key=finance.ledger-daily' }, key: 'finance/ledger/daily', buffered: false },
  { name: 'JSON-list ?asset_key=', send: { path: `/dagster/report_asset_observation/?asset_key=${encodeURIComponent('["raw","a.b"]')}` }, key: 'raw/a.b', buffered: false },
  { name: 'a list in the JSON body', send: { path: '/dagster/report_asset_check/', contentType: JSON_TYPE, body: '{"asset_key":["p","q"],"check_name":"c"}' }, key: 'p/q', buffered: true },
  { name: 'a string in the JSON body is one part', send: { path: '/dagster/report_asset_materialization/', contentType: JSON_TYPE, body: '{"asset_key":"x.y"}' }, key: 'x.y', buffered: true },
  { name: 'the body before the query string', send: { path: '/dagster/report_asset_materialization/?asset_key=q', contentType: JSON_TYPE, body: '{"asset_key":["b"]}' }, key: 'b', buffered: true },
  { name: 'the query string when the JSON body has no key', send: { path: '/dagster/report_asset_materialization/?asset_key=q', contentType: JSON_TYPE, body: '{"metadata":{}}' }, key: 'q', buffered: true },
  { name: 'the path before the body (not read)', send: { path: '/dagster/report_asset_materialization/p?asset_key=q', contentType: JSON_TYPE, body: '{"asset_key":["b"]}' }, key: 'p', buffered: false },
  { name: 'no content type: the body is ignored, as Dagster ignores it', send: { path: '/dagster/report_asset_materialization/?asset_key=q', body: '{"asset_key":["b"]}', untyped: true }, key: 'q', buffered: false },
];

const refused: { name: string; send: Send; reason: RegExp }[] = [
  { name: 'a content type Dagster refuses', send: { path: '/dagster/report_asset_materialization/k', contentType: 'text/plain', body: 'x' }, reason: /application\/json/ },
  { name: 'JSON with parameters (Dagster compares the whole header)', send: { path: '/dagster/report_asset_materialization/k', contentType: 'application/json; charset=utf-8', body: '{}' }, reason: /application\/json/ },
  { name: 'no key anywhere', send: { path: '/dagster/report_asset_materialization/', contentType: JSON_TYPE, body: '{}' }, reason: /names no asset/ },
  { name: 'an empty ?asset_key=', send: { path: '/dagster/report_asset_materialization/?asset_key=' }, reason: /names no asset/ },
  { name: 'a repeated ?asset_key=', send: { path: '/dagster/report_asset_materialization/?asset_key=a&asset_key=b' }, reason: /repeats/ },
  { name: 'a key of non-strings', send: { path: '/dagster/report_asset_materialization/', contentType: JSON_TYPE, body: '{"asset_key":[1]}' }, reason: /list of strings/ },
  { name: 'a part with a slash', send: { path: '/dagster/report_asset_materialization/', contentType: JSON_TYPE, body: '{"asset_key":"a/b"}' }, reason: /contains "\/"/ },
  { name: 'a JSON array body', send: { path: '/dagster/report_asset_materialization/', contentType: JSON_TYPE, body: '["asset_key"]' }, reason: /JSON object/ },
  { name: 'a body that is not JSON', send: { path: '/dagster/report_asset_materialization/', contentType: JSON_TYPE, body: '{asset_key' }, reason: /not valid/ },
  { name: 'a raw ; in the query string', send: { path: '/dagster/report_asset_materialization/?asset_key=a;asset_key=b' }, reason: /";"/ },
  { name: 'a query key of nothing but separators', send: { path: '/dagster/report_asset_materialization/?asset_key=..-' }, reason: /empty/ },
];

describe('Dagster REST routes', () => {
  it('refuses a repeated repoLocName on the notebook route (Starlette reads the last copy)', async () => {
    const got = await classify(server, { method: 'GET', path: '/dagster/notebook?repoLocName=finance&repoLocName=secret&path=x.ipynb' });
    assert.equal(got.status, 400);
    assert.match(got.reason ?? '', /repeats "repoLocName"/);
  });

  it('refuses a raw ; on a UI route too', async () => {
    const got = await classify(server, { method: 'GET', path: '/dagster/runs?a=1;b=2' });
    assert.equal(got.status, 400);
  });

  let server: ClassifyServer;
  before(async () => {
    server = await startClassifyServer({ pathPrefix: '/dagster', maxClassifiedBodyBytes: 4096 });
  });
  after(() => server.close());

  for (const row of rows) {
    it(`${row.send.method ?? 'POST'} ${row.send.path ?? ''}`, async () => {
      const got = await classify(server, row.send);
      assert.equal(got.status, 200, JSON.stringify(got));
      assert.equal(got.action, row.action);
      for (const [k, v] of Object.entries(row.resource ?? {})) assert.deepEqual(got.resource?.[k], v, k);
      assert.equal(got.resource?.['upstream'], 'dagster');
    });
  }

  for (const row of keys) {
    it(`asset key from ${row.name}`, async () => {
      const got = await classify(server, { method: 'POST', ...row.send });
      assert.equal(got.status, 200, JSON.stringify(got));
      assert.equal(got.action, 'dagster.asset.report');
      assert.deepEqual(got.resource?.['assetKeys'], [row.key]);
      assert.equal(got.bodyKind, row.buffered ? 'buffered' : 'untouched');
      if (row.buffered) assert.equal(got.forwarded, row.send.body, 'the bytes read are forwarded unchanged');
    });
  }

  for (const row of refused) {
    it(`refuses an asset report with ${row.name}`, async () => {
      const got = await classify(server, { method: 'POST', ...row.send });
      assert.equal(got.status, 400, JSON.stringify(got));
      assert.match(got.reason ?? '', row.reason);
    });
  }

  it('works at the root prefix too', async () => {
    const root = await startClassifyServer({ pathPrefix: '/', maxClassifiedBodyBytes: 4096 });
    try {
      const got = await classify(root, { method: 'POST', path: '/report_asset_check/k' });
      assert.equal(got.action, 'dagster.asset.report');
      const g = await classify(root, { method: 'GET', path: '/graphql?query=%7B__typename%7D' });
      assert.equal(g.resource?.['route'], 'graphql');
    } finally {
      await root.close();
    }
  });
});
