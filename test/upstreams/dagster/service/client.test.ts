// DagsterServiceClient against a scripted webserver: the GraphQL it sends (under the path
// prefix), how it reads each answer shape, and what it refuses (oversized, non-JSON, errors).

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { DagsterServiceClient } from '../../../../src/upstreams/dagster/service/client.js';

interface Seen {
  readonly url: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

let reply: (seen: Seen) => { status?: number; body: string } = () => ({ body: '{}' });
const seen: Seen[] = [];
let server: http.Server;
let origin: string;

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query: string; variables: Record<string, unknown> };
      const s = { url: req.url ?? '', query: json.query, variables: json.variables };
      seen.push(s);
      const r = reply(s);
      res.statusCode = r.status ?? 200;
      res.setHeader('content-type', 'application/json');
      res.end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server?.close(() => resolve())));

const data = (d: unknown) => ({ body: JSON.stringify({ data: d }) });
const client = (o: { maxBytes?: number } = {}) => new DagsterServiceClient({ url: `${origin}/`, pathPrefix: '/dagster/changes/7/', ...o });

test('locations: loaded, failed with its PythonError, still loading; under the path prefix', async () => {
  reply = () =>
    data({
      workspaceOrError: {
        __typename: 'Workspace',
        locationEntries: [
          { name: 'finance', loadStatus: 'LOADED', locationOrLoadError: { __typename: 'RepositoryLocation' } },
          { name: 'marketing', loadStatus: 'LOADED', locationOrLoadError: { __typename: 'PythonError', message: 'ModuleNotFoundError: marketing' } },
          { name: 'slow', loadStatus: 'LOADING', locationOrLoadError: null },
          { loadStatus: 'LOADED', locationOrLoadError: { __typename: 'RepositoryLocation' } },
          'garbage',
        ],
      },
    });
  const got = await client().locations();
  assert.equal(seen.at(-1)?.url, '/dagster/changes/7/graphql');
  assert.deepEqual(got, [
    { name: 'finance', loaded: true },
    { name: 'marketing', loaded: false, error: 'ModuleNotFoundError: marketing' },
    { name: 'slow', loaded: false, error: 'still loading' },
    { name: '(unnamed)', loaded: true },
    { name: '(unnamed)', loaded: false },
  ]);
});

test('a workspace that is a PythonError, GraphQL errors, non-JSON and HTTP errors are errors saying so', async () => {
  reply = () => data({ workspaceOrError: { __typename: 'PythonError', message: 'workspace.yaml not found' } });
  await assert.rejects(client().locations(), /the workspace could not be read: workspace.yaml not found/);
  reply = () => ({ status: 400, body: JSON.stringify({ errors: [{ message: 'Cannot query field "x"' }] }) });
  await assert.rejects(client().locations(), /Dagster: Cannot query field "x"/);
  reply = () => ({ status: 502, body: '<html>bad gateway</html>' });
  await assert.rejects(client().locations(), /Dagster answered 502 with something other than JSON/);
  reply = () => ({ status: 500, body: '{}' });
  await assert.rejects(client().locations(), /Dagster answered 500/);
});

test('an answer over maxBytes is refused', async () => {
  reply = () => data({ workspaceOrError: { __typename: 'Workspace', locationEntries: [{ name: 'x'.repeat(100_000) }] } });
  await assert.rejects(client({ maxBytes: 10_000 }).locations(), /larger than 10000 bytes/);
});

test('reload returns the location status, or the refusal as a failed load', async () => {
  reply = () => data({ reloadRepositoryLocation: { __typename: 'WorkspaceLocationEntry', name: 'finance', loadStatus: 'LOADED', locationOrLoadError: { __typename: 'RepositoryLocation' } } });
  assert.deepEqual(await client().reload('finance'), { name: 'finance', loaded: true });
  assert.deepEqual(seen.at(-1)?.variables, { location: 'finance' });
  reply = () => data({ reloadRepositoryLocation: { __typename: 'ReloadNotSupported', message: 'grpc server' } });
  assert.deepEqual(await client().reload('finance'), { name: 'finance', loaded: false, error: 'ReloadNotSupported: grpc server' });
});

test('launch sends the selector and the tags, and returns the run id or Dagster\'s reason', async () => {
  reply = () => data({ launchRun: { __typename: 'LaunchRunSuccess', run: { runId: 'r-123' } } });
  const id = await client().launch({ location: 'finance', repository: '__repository__', job: 'smoke_test', tags: { 'gerrit/change-number': '7', 'changegate/deployment': 'gerrit-change-7' } });
  assert.equal(id, 'r-123');
  assert.deepEqual(seen.at(-1)?.variables, {
    p: {
      selector: { repositoryLocationName: 'finance', repositoryName: '__repository__', jobName: 'smoke_test' },
      executionMetadata: { tags: [{ key: 'gerrit/change-number', value: '7' }, { key: 'changegate/deployment', value: 'gerrit-change-7' }] },
    },
  });
  reply = () => data({ launchRun: { __typename: 'PipelineNotFoundError', message: 'no job smoke_test' } });
  await assert.rejects(client().launch({ location: 'f', repository: 'r', job: 'j', tags: {} }), /PipelineNotFoundError: no job smoke_test/);
  reply = () => data({ launchRun: { __typename: 'LaunchRunSuccess', run: {} } });
  await assert.rejects(client().launch({ location: 'f', repository: 'r', job: 'j', tags: {} }), /LaunchRunSuccess: the launch was refused/);
});
