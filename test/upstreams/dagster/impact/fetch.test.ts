import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { parse, validate } from 'graphql';
import { fetchAssetGraph } from '../../../../src/upstreams/dagster/impact/fetch.js';
import { ASSET_DEFINITIONS_QUERY, ASSET_KEYS_QUERY } from '../../../../src/upstreams/dagster/impact/queries.js';
import { testSchema } from '../harness.js';

test('both queries are valid against Dagster schema', () => {
  for (const q of [ASSET_KEYS_QUERY, ASSET_DEFINITIONS_QUERY]) assert.deepEqual(validate(testSchema(), parse(q)).map((e) => e.message), []);
});

type Node = Record<string, unknown> & { assetKey: { path: string[] } };

function node(path: string[], location = 'finance', over: Record<string, unknown> = {}): Node {
  return {
    assetKey: { path },
    opVersion: null,
    dependencyKeys: [],
    dependencies: [],
    tags: [],
    metadataEntries: [],
    partitionDefinition: null,
    groupName: 'default',
    owners: [],
    kinds: [],
    repository: { name: '__repository__', location: { name: location } },
    ...over,
  };
}

interface Served {
  readonly url: string;
  readonly requests: { query: string; variables: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** A webserver that answers the two queries from `nodes`; `answer` may replace any answer. */
async function serve(nodes: Node[], answer?: (req: { query: string; variables: Record<string, unknown> }, res: http.ServerResponse) => boolean): Promise<Served> {
  const requests: Served['requests'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
      requests.push(parsed);
      if (answer?.(parsed, res)) return;
      const errors = validate(testSchema(), parse(parsed.query));
      assert.deepEqual(errors, []);
      let out: unknown[];
      if (parsed.query.includes('ChangegateAssetKeys')) out = nodes.map((n) => ({ assetKey: n.assetKey }));
      else {
        const wanted = new Set((parsed.variables['assetKeys'] as { path: string[] }[]).map((k) => JSON.stringify(k.path)));
        out = nodes.filter((n) => wanted.has(JSON.stringify(n.assetKey.path)));
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { assetNodes: out } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dagster/graphql`;
  return { url, requests, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

test('reads every definition in batches of keys, canonical, collisions kept per location', async () => {
  const nodes = [
    node(['a'], 'finance', {
      opVersion: 'v1',
      tags: [{ key: 'tier', value: 'gold' }, { key: 'team', value: 'ledger' }],
      owners: [{ __typename: 'UserAssetOwner', email: 'ann@example.test' }, { __typename: 'TeamAssetOwner', team: 'finance' }],
      metadataEntries: [{ __typename: 'IntMetadataEntry', label: 'rows', intValue: 3, intRepr: '3' }],
      partitionDefinition: { type: 'TIME_WINDOW', description: 'Daily', name: null, fmt: '%Y-%m-%d', dimensionTypes: [] },
      kinds: ['python'],
      groupName: 'ledger',
    }),
    node(['b', 'c'], 'finance', {
      dependencyKeys: [{ path: ['a'] }],
      dependencies: [{ asset: { assetKey: { path: ['a'] } }, partitionMapping: { className: 'LastPartitionMapping', description: 'last' } }],
    }),
    node(['a'], 'ops'),
    node(['d']),
    node(['e']),
  ];
  const served = await serve(nodes);
  try {
    const graph = await fetchAssetGraph({ endpoint: served.url, batchSize: 2 });
    assert.equal(graph.assets.length, 5);
    assert.equal(served.requests.length, 1 + 2, 'keys, then 4 distinct keys in batches of 2');
    const a = graph.assets.find((x) => x.key.join('/') === 'a' && x.location === 'finance')!;
    assert.deepEqual({ ...a }, {
      key: ['a'],
      location: 'finance',
      repository: '__repository__',
      codeVersion: 'v1',
      dependencies: [],
      tags: { tier: 'gold', team: 'ledger' },
      metadata: { rows: '{"__typename":"IntMetadataEntry","intRepr":"3","intValue":3}' },
      partitions: '{"description":"Daily","dimensionTypes":[],"fmt":"%Y-%m-%d","name":null,"type":"TIME_WINDOW"}',
      group: 'ledger',
      owners: ['ann@example.test', 'team:finance'],
      kinds: ['python'],
    });
    const bc = graph.assets.find((x) => x.key.join('/') === 'b/c')!;
    assert.deepEqual(bc.dependencies, [{ key: ['a'], partitionMapping: '{"className":"LastPartitionMapping","description":"last"}' }]);
    assert.ok(graph.assets.some((x) => x.key.join('/') === 'a' && x.location === 'ops'));
  } finally {
    await served.close();
  }
});

const refusals: [string, (req: { query: string }, res: http.ServerResponse) => boolean, RegExp][] = [
  ['GraphQL errors, even beside data', (_q, res) => (res.end(JSON.stringify({ data: { assetNodes: [] }, errors: [{ message: 'boom' }] })), true), /errors: boom/],
  ['a field nobody selected', (q, res) => q.query.includes('Definitions') && (res.end(JSON.stringify({ data: { assetNodes: [{ ...node(['a']), evil: 1 }] } })), true), /not what the query selected/],
  ['a wrong type', (q, res) => q.query.includes('Definitions') && (res.end(JSON.stringify({ data: { assetNodes: [{ ...node(['a']), tags: 'x' }] } })), true), /not what the query selected/],
  ['an asset not asked for', (q, res) => q.query.includes('Definitions') && (res.end(JSON.stringify({ data: { assetNodes: [node(['zz'])] } })), true), /not asked for/],
  ['a NUL in a key', (_q, res) => (res.end(JSON.stringify({ data: { assetNodes: [{ assetKey: { path: ['a\u0000b'] } }] } })), true), /not what the query selected/],
  ['not JSON', (_q, res) => (res.end('<html>'), true), /not JSON/],
  ['HTTP 500', (_q, res) => ((res.statusCode = 500), res.end('{}'), true), /HTTP 500/],
  ['too large', (_q, res) => (res.end(JSON.stringify({ data: { assetNodes: [] }, pad: 'x'.repeat(5000) })), true), /larger than 4096 bytes/],
  ['too deep', (_q, res) => (res.end(`{"data":{"assetNodes":[{"assetKey":${'['.repeat(200)}${']'.repeat(200)}}]}}`), true), /nests too deep|not what/],
];

for (const [what, answer, reason] of refusals) {
  test(`refused whole: ${what}`, async () => {
    const served = await serve([node(['a'])], answer);
    try {
      await assert.rejects(fetchAssetGraph({ endpoint: served.url, maxResponseBytes: 4096 }), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'upstream_unavailable');
        assert.match(e.message, reason);
        return true;
      });
    } finally {
      await served.close();
    }
  });
}

test('a webserver that never answers: the deadline ends the read', async () => {
  const served = await serve([], () => true);
  try {
    await assert.rejects(fetchAssetGraph({ endpoint: served.url, deadlineMs: 50 }), /the deadline passed/);
  } finally {
    await served.close();
  }
});

test('more assets than allowed: refused', async () => {
  const served = await serve([node(['a']), node(['b']), node(['c'])]);
  try {
    await assert.rejects(fetchAssetGraph({ endpoint: served.url, maxAssets: 2 }), /more than the 2 allowed/);
  } finally {
    await served.close();
  }
});
