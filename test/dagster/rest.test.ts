// Dagster's routes outside GraphQL: the unchecked asset report writes and the data reads.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classify, startClassifyServer, type ClassifyServer, type Send } from './harness.js';

const rows: { send: Send; action: string; resource?: Record<string, unknown> }[] = [
  { send: { method: 'POST', path: '/dagster/report_asset_materialization/a/b', contentType: 'application/json', body: '{}' }, action: 'dagster.asset.report', resource: { assetKeys: ['a/b'], route: 'report_asset_materialization' } },
  { send: { method: 'POST', path: '/dagster/report_asset_check/a%2Fb' }, action: 'dagster.asset.report', resource: { assetKeys: ['a/b'] } },
  { send: { method: 'POST', path: '/dagster/report_asset_observation/' }, action: 'dagster.asset.report', resource: { assetKeys: [], assetKeyFromBody: true } },
  { send: { method: 'POST', path: '/dagster/x/../report_asset_observation/k' }, action: 'dagster.asset.report' },
  { send: { method: 'POST', path: '/dagster/%72eport_asset_observation/k' }, action: 'dagster.asset.report' },
  { send: { method: 'GET', path: '/dagster/logs/run-1/compute_logs/step.out' }, action: 'dagster.read', resource: { route: 'logs', logKey: 'run-1/compute_logs/step.out' } },
  { send: { method: 'GET', path: '/dagster/download_debug/run-1' }, action: 'dagster.read', resource: { route: 'download_debug', runIds: ['run-1'] } },
  { send: { method: 'GET', path: '/dagster/notebook?repoLocName=finance&path=x.ipynb' }, action: 'dagster.read', resource: { route: 'notebook', location: 'finance' } },
  { send: { method: 'GET', path: '/dagster/dagit/notebook?repoLocName=ml' }, action: 'dagster.read', resource: { location: 'ml' } },
  { send: { method: 'GET', path: '/dagster/runs' }, action: 'dagster.read', resource: { route: 'ui' } },
  { send: { method: 'PUT', path: '/dagster/runs' }, action: 'dagster.write.unknown' },
  { send: { method: 'DELETE', path: '/dagster/logs/x' }, action: 'dagster.write.unknown' },
];

describe('Dagster REST routes', () => {
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
