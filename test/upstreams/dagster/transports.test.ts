// Every HTTP transport the Dagster webserver reads, and the ways around a classifier: each
// row is a real request to a loopback server running the real classifier.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classify, gql, startClassifyServer, testSchema, type ClassifyServer, type Send } from './harness.js';

const LAUNCH = 'mutation { launchRun(executionParams: {selector: {repositoryLocationName: "finance", repositoryName: "__repository__", jobName: "etl"}}) { __typename } }';
const READ_RUNS = '{ runsOrError { __typename } }';

interface Row {
  readonly name: string;
  readonly send: Send;
  readonly status: number;
  readonly action?: string;
  readonly error?: string;
  readonly reason?: RegExp;
}

const rows: Row[] = [
  { name: 'POST json query', send: gql(READ_RUNS), status: 200, action: 'dagster.read' },
  { name: 'POST json mutation', send: gql(LAUNCH), status: 200, action: 'dagster.run.launch' },
  { name: 'POST json with charset', send: { ...gql(LAUNCH), contentType: 'application/json; charset=utf-8' }, status: 200, action: 'dagster.run.launch' },
  { name: 'POST application/graphql mutation', send: { contentType: 'application/graphql', body: LAUNCH, user: 'a,operator' }, status: 200, action: 'dagster.run.launch' },
  { name: 'GET query', send: { method: 'GET', path: `/dagster/graphql?query=${encodeURIComponent(READ_RUNS)}` }, status: 200, action: 'dagster.read' },
  { name: 'GET mutation is CSRF', send: { method: 'GET', path: `/dagster/graphql?query=${encodeURIComponent(LAUNCH)}` }, status: 400, error: 'bad_request', reason: /CSRF/ },
  { name: 'GET + in query string', send: { method: 'GET', path: `/dagster/graphql?query=mutation+{+reloadWorkspace+{+__typename+}+}` }, status: 400, reason: /CSRF/ },
  { name: 'GET repeated query param', send: { method: 'GET', path: `/dagster/graphql?query=${encodeURIComponent(READ_RUNS)}&query=${encodeURIComponent(LAUNCH)}` }, status: 400, reason: /repeats/ },
  // Issue 13: parse_qsl before Python 3.9.2 splits on ";" too, and Starlette keeps the last copy.
  { name: 'GET raw ; hides a second query', send: { method: 'GET', path: '/dagster/graphql?query=%7B__typename%7D%23;query=mutation%7BreloadWorkspace%7B__typename%7D%7D' }, status: 400, error: 'bad_request', reason: /";"/ },
  { name: 'GET raw ; elsewhere in the query', send: { method: 'GET', path: `/dagster/graphql?query=${encodeURIComponent(READ_RUNS)}&x=1;y=2` }, status: 400, reason: /";"/ },
  { name: 'GET encoded %3B is data', send: { method: 'GET', path: `/dagster/graphql?query=${encodeURIComponent(`${READ_RUNS} # ;query=mutation`)}` }, status: 200, action: 'dagster.read' },
  { name: 'GET repeated variables', send: { method: 'GET', path: `/dagster/graphql?query=${encodeURIComponent(READ_RUNS)}&variables=%7B%7D&variables=%7B%7D` }, status: 400, reason: /repeats "variables"/ },
  { name: 'GET repeated operationName', send: { method: 'GET', path: `/dagster/graphql?query=${encodeURIComponent(READ_RUNS)}&operationName=A&operationName=B` }, status: 400, reason: /repeats "operationName"/ },
  { name: 'GET repeated query with an encoded name', send: { method: 'GET', path: `/dagster/graphql?query=${encodeURIComponent(READ_RUNS)}&%71uery=${encodeURIComponent(LAUNCH)}` }, status: 400, reason: /repeats "query"/ },
  { name: 'GET encoded parameter name is read', send: { method: 'GET', path: `/dagster/graphql?%71uery=${encodeURIComponent(LAUNCH)}` }, status: 400, reason: /CSRF/ },
  { name: 'GET name with + is another name', send: { method: 'GET', path: `/dagster/graphql?query+=${encodeURIComponent(LAUNCH)}` }, status: 200, action: 'dagster.read' },
  { name: 'GET query without = is empty', send: { method: 'GET', path: '/dagster/graphql?query' }, status: 200, action: 'dagster.read' },
  { name: 'GET escape that is not UTF-8', send: { method: 'GET', path: `/dagster/graphql?query=${encodeURIComponent(READ_RUNS)}%FF` }, status: 400, reason: /not UTF-8/ },
  { name: 'GET other parameters may repeat', send: { method: 'GET', path: `/dagster/graphql?query=${encodeURIComponent(READ_RUNS)}&x=1&x=2` }, status: 200, action: 'dagster.read' },
  { name: 'JSON body with two byte order marks', send: { contentType: 'application/json', body: `\ufeff\ufeff${JSON.stringify({ query: READ_RUNS })}` }, status: 400, reason: /not valid JSON/ },
  { name: 'JSON body with one byte order mark', send: { contentType: 'application/json', body: `\ufeff${JSON.stringify({ query: READ_RUNS })}` }, status: 200, action: 'dagster.read' },
  { name: 'JSON body repeating query keeps the last, as Python does', send: { contentType: 'application/json', user: 'a,viewer', body: `{"query":${JSON.stringify(READ_RUNS)},"query":"mutation { reloadWorkspace { __typename } }"}` }, status: 200, action: 'dagster.workspace.reload' },
  { name: 'JSON body with NaN (Python reads it) is refused', send: { contentType: 'application/json', body: `{"query":${JSON.stringify(READ_RUNS)},"variables":{"x":NaN}}` }, status: 400, reason: /not valid JSON/ },
  { name: 'GET page (GraphiQL)', send: { method: 'GET', path: '/dagster/graphql', headers: { accept: 'text/html' } }, status: 200, action: 'dagster.read' },
  { name: 'text/plain POST falls back to the query string', send: { contentType: 'text/plain', body: READ_RUNS, path: `/dagster/graphql?query=${encodeURIComponent(LAUNCH)}` }, status: 400, reason: /CSRF/ },
  { name: 'form POST mutation', send: { contentType: 'application/x-www-form-urlencoded', body: `query=${encodeURIComponent(LAUNCH)}`, path: `/dagster/graphql?query=${encodeURIComponent(LAUNCH)}` }, status: 400, reason: /CSRF/ },
  { name: 'multipart POST mutation', send: { contentType: 'multipart/form-data; boundary=x', body: '--x--', path: `/dagster/graphql?query=${encodeURIComponent(LAUNCH)}` }, status: 400, reason: /CSRF/ },
  { name: 'no content type POST mutation', send: { path: `/dagster/graphql?query=${encodeURIComponent(LAUNCH)}` }, status: 400, reason: /CSRF/ },
  { name: 'text/plain POST query from query string is a read', send: { contentType: 'text/plain', body: LAUNCH, path: `/dagster/graphql?query=${encodeURIComponent(READ_RUNS)}` }, status: 200, action: 'dagster.read' },
  // Dagster reads JSON when the content type *contains* application/json; a browser sends
  // this one cross-site without a preflight (its essence is text/plain).
  { name: 'text/plain smuggling application/json', send: { contentType: 'text/plain; x="application/json"', body: JSON.stringify({ query: LAUNCH }) }, status: 400, reason: /CSRF/ },
  { name: 'JSON body plus query-string GraphQL', send: { ...gql(READ_RUNS), path: `/dagster/graphql?query=${encodeURIComponent(LAUNCH)}` }, status: 400, reason: /both the body and the query string/ },
  { name: 'application/graphql plus query-string variables', send: { contentType: 'application/graphql', body: READ_RUNS, path: '/dagster/graphql?variables=%7B%7D' }, status: 400, reason: /both/ },
  { name: 'batched array body', send: { contentType: 'application/json', body: JSON.stringify([{ query: READ_RUNS }, { query: LAUNCH }]) }, status: 400, reason: /batched/ },
  { name: 'invalid JSON', send: { contentType: 'application/json', body: '{"query": ' }, status: 400, reason: /not valid JSON/ },
  { name: 'malformed GraphQL', send: gql('mutation { launchRun('), status: 400, reason: /does not parse/ },
  { name: 'schema-invalid GraphQL', send: gql('{ noSuchField }'), status: 400, reason: /not valid for Dagster/ },
  { name: 'non-string query', send: { contentType: 'application/json', body: JSON.stringify({ query: 5 }) }, status: 400, reason: /must be a string/ },
  { name: 'variables as a JSON string', send: { contentType: 'application/json', user: 'a,operator', body: JSON.stringify({ query: 'mutation M($id: String!) { deleteRun(runId: $id) { __typename } }', variables: JSON.stringify({ id: 'r1' }) }) }, status: 400, reason: /must be an object/ },
  { name: 'GET variables as a JSON string', send: { method: 'GET', path: `/dagster/graphql?query=${encodeURIComponent('query Q($id: ID!) { runOrError(runId: $id) { __typename } }')}&variables=${encodeURIComponent('{"id":"r1"}')}` }, status: 200, action: 'dagster.read' },
  { name: 'gzip body refused', send: { ...gql(READ_RUNS), headers: { 'content-encoding': 'gzip' } }, status: 400, error: 'bad_body' },
  { name: 'two operations without operationName', send: gql(`query A ${READ_RUNS} mutation B { reloadWorkspace { __typename } }`), status: 400, reason: /several operations/ },
  { name: 'operationName picks the mutation', send: gql(`query A ${READ_RUNS} mutation B { reloadWorkspace { __typename } }`, undefined, 'B'), status: 200, action: 'dagster.workspace.reload' },
  { name: 'operationName picks the query', send: gql(`query A ${READ_RUNS} mutation B { reloadWorkspace { __typename } }`, undefined, 'A'), status: 200, action: 'dagster.read' },
  { name: 'unknown operationName', send: gql(`query A ${READ_RUNS}`, undefined, 'Z'), status: 400, reason: /no operation named/ },
  { name: 'introspection is a read', send: gql('{ __schema { queryType { name } } }'), status: 200, action: 'dagster.read' },
  { name: 'fragment hides a mutation field', send: gql('mutation { ...F } fragment F on Mutation { wipeAssets(assetPartitionRanges: [{assetKey: {path: ["a"]}}]) { __typename } }'), status: 200, action: 'dagster.asset.wipe' },
  { name: 'inline fragment hides a mutation field', send: gql('mutation { ... on Mutation { setConcurrencyLimit(concurrencyKey: "k", limit: 1) } }'), status: 200, action: 'dagster.concurrency.edit' },
  { name: 'alias does not change the field', send: gql('mutation { logTelemetry: reloadWorkspace { __typename } }'), status: 200, action: 'dagster.workspace.reload' },
  { name: 'harmless mutation', send: gql('mutation { setNuxSeen }'), status: 200, action: 'dagster.harmless' },
  { name: 'encoded path to /graphql', send: { ...gql(LAUNCH), path: '/dagster/%67raphql' }, status: 200, action: 'dagster.run.launch' },
  { name: 'dot segments to /graphql', send: { ...gql(LAUNCH), path: '/dagster/x/../graphql' }, status: 200, action: 'dagster.run.launch' },
  { name: 'trailing slash /graphql/', send: { ...gql(LAUNCH), path: '/dagster/graphql/' }, status: 200, action: 'dagster.run.launch' },
];

describe('Dagster GraphQL transports and bypasses', () => {
  let server: ClassifyServer;
  before(async () => {
    server = await startClassifyServer({ pathPrefix: '/dagster', maxClassifiedBodyBytes: 64 * 1024, schema: testSchema() });
  });
  after(() => server.close());

  for (const row of rows) {
    it(row.name, async () => {
      const got = await classify(server, row.send);
      assert.equal(got.status, row.status, JSON.stringify(got));
      if (row.action !== undefined) assert.equal(got.action, row.action);
      if (row.error !== undefined) assert.equal(got.error, row.error);
      if (row.reason !== undefined) assert.match(got.reason ?? '', row.reason);
    });
  }

  it('refuses a body over the limit with 413', async () => {
    const got = await classify(server, gql(`{ runsOrError { __typename } } # ${'x'.repeat(70 * 1024)}`));
    assert.equal(got.status, 413);
  });

  it('forwards the very bytes of a query it did not rewrite', async () => {
    const send = gql(READ_RUNS);
    const got = await classify(server, send);
    assert.equal(got.bodyKind, 'buffered');
    assert.equal(got.forwarded, send.body);
  });

  it('works without a schema: parses, and unknown fields become unknown writes', async () => {
    const bare = await startClassifyServer({ pathPrefix: '/dagster', maxClassifiedBodyBytes: 64 * 1024 });
    try {
      const unknown = await classify(bare, gql('mutation { subscribeToNotifications(runId: "r") }'));
      assert.equal(unknown.action, 'dagster.write.unknown');
      const malformed = await classify(bare, gql('{'));
      assert.equal(malformed.status, 400);
      const cyclic = await classify(bare, gql('mutation { ...A } fragment A on Mutation { ...B reloadWorkspace { __typename } } fragment B on Mutation { ...A }'));
      assert.equal(cyclic.action, 'dagster.workspace.reload');
    } finally {
      await bare.close();
    }
  });
});
