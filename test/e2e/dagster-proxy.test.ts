// The Dagster gate end to end, through Changegate as it is started (ingress, bearer
// authentication, the Dagster classifier validating against the real schema, the compiled
// default policy, the audit log, stamping, forwarding, the graphql-ws relay) to the Dagster
// stand-in built from the same schema.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/observability/logger.js';
import { startChangegate, type ChangegateHandle } from '../../src/main/server.js';
import { startFakeDagster, type FakeDagster } from '../fakes/dagster/index.js';
import { startTestIdp, type TestIdp } from '../fakes/idp.js';
import { repoRoot } from '../upstreams/dagster/harness.js';
import { auditRecords } from '../fakes/audit-records.js';

const VIEWER = { kind: 'machine', clientId: 'dash', clientSecret: 'dash-secret', audience: 'changegate' } as const;
const OPERATOR = { kind: 'machine', clientId: 'scheduler', clientSecret: 'scheduler-secret', audience: 'changegate' } as const;

describe('Dagster gate through the pipeline', () => {
  let dagster: FakeDagster;
  let idp: TestIdp;
  let proxy: ChangegateHandle;
  let base = '';
  const dir = mkdtempSync(join(tmpdir(), 'changegate-dagster-'));

  before(async () => {
    dagster = await startFakeDagster();
    idp = await startTestIdp({ clients: [VIEWER, OPERATOR] });
    const config = configSchema.parse({
      listen: '127.0.0.1:0',
      admin: { listen: '127.0.0.1:0' },
      stateDir: join(dir, 'state'),
      upstreams: {
        dagster: {
          url: `http://127.0.0.1:${dagster.port}`,
          pathPrefix: '/dagster',
          timeoutMs: 5000,
          graphqlSchema: join(repoRoot(), 'test', 'fakes', 'dagster', 'schema.graphql'),
        },
      },
      identity: { bearer: [{ issuer: idp.issuer, audience: 'changegate' }], roles: { viewer: { clients: [VIEWER.clientId, OPERATOR.clientId] }, operator: { clients: [OPERATOR.clientId] } } },
      policy: { path: join(repoRoot(), 'policies'), watch: false },
      audit: { path: join(dir, 'audit.jsonl') },
    });
    proxy = await startChangegate(config, { logger: createLogger({ level: 'silent' }) });
    base = `http://127.0.0.1:${proxy.ingress.port}`;
  });

  after(async () => {
    await proxy.close();
    await Promise.all([dagster.close(), idp.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (clientId: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${base}/dagster/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await idp.mintClientToken(clientId)}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  const LAUNCH = 'mutation Launch($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename ... on LaunchRunSuccess { run { runId } } } }';
  const params = { selector: { repositoryLocationName: 'finance', repositoryName: '__repository__', jobName: 'ledger_job' }, executionMetadata: { tags: [{ key: 'user', value: 'mallory@example.com' }] } };

  it('lets an operator launch, and the stand-in stores the stamped tags', async () => {
    // No X-Gerrit-Change: with no Gerrit to check it, only ci may name a change (run-loop.test.ts).
    const { status, json } = await post(OPERATOR.clientId, { query: LAUNCH, variables: { p: params } });
    assert.equal(status, 200, JSON.stringify(json));
    const runId = ((json['data'] as Record<string, Record<string, Record<string, string>>>)['launchRun']?.['run'])?.['runId'];
    const run = dagster.model.runs.get(String(runId));
    assert.ok(run !== undefined, JSON.stringify(json));
    const tags = Object.fromEntries(run.tags.map((t) => [t.key, t.value]));
    assert.equal(tags['user'], 'scheduler');
    assert.equal(tags['gerrit/change-number'], undefined);
    assert.match(tags['changegate/request-id'] ?? '', /.+/);
  });

  it("refuses an operator's X-Gerrit-Change when there is no Gerrit to check it with", async () => {
    const before = dagster.model.runs.size;
    const { status, json } = await post(OPERATOR.clientId, { query: LAUNCH, variables: { p: params } }, { 'x-gerrit-change': '77' });
    assert.equal(status, 400, JSON.stringify(json));
    assert.match(String(json['reason']), /cannot be checked here/);
    assert.equal(dagster.model.runs.size, before);
  });

  it('refuses a viewer launch with 403 before Dagster sees it', async () => {
    const before = dagster.model.runs.size;
    const { status, json } = await post(VIEWER.clientId, { query: LAUNCH, variables: { p: params } });
    assert.equal(status, 403);
    assert.equal(json['action'], 'dagster.run.launch');
    assert.equal(dagster.model.runs.size, before);
  });

  it('lets a viewer read', async () => {
    const { status, json } = await post(VIEWER.clientId, { query: '{ runsOrError { __typename } }' });
    assert.equal(status, 200, JSON.stringify(json));
  });

  it('refuses a GET mutation (CSRF) and a batched body with 400', async () => {
    const token = await idp.mintClientToken(OPERATOR.clientId);
    const get = await fetch(`${base}/dagster/graphql?query=${encodeURIComponent('mutation { reloadWorkspace { __typename } }')}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(get.status, 400);
    const batch = await post(OPERATOR.clientId, [{ query: LAUNCH }]);
    assert.equal(batch.status, 400);
  });

  it('refuses an operator workspace reload hidden behind an alias and a fragment', async () => {
    const { status } = await post(OPERATOR.clientId, { query: 'mutation { ...F } fragment F on Mutation { setNuxSeen: reloadWorkspace { __typename } }' });
    assert.equal(status, 403);
  });

  it('decides asset reports on the asset Dagster will record, wherever the key is written', async () => {
    const report = async (clientId: string, path: string, init: RequestInit = {}): Promise<number> => {
      const res = await fetch(`${base}/dagster${path}`, { method: 'POST', ...init, headers: { authorization: `Bearer ${await idp.mintClientToken(clientId)}`, ...(init.headers as Record<string, string> | undefined) } });
      await res.arrayBuffer();
      return res.status;
    };
    const before = dagster.recorder.assetReports.length;
    assert.equal(await report(VIEWER.clientId, '/report_asset_materialization/?asset_key=finance.ledger'), 403);
    assert.equal(dagster.recorder.assetReports.length, before, 'a refused report never reaches Dagster');
    assert.equal(await report(OPERATOR.clientId, '/report_asset_materialization/?asset_key=finance.ledger'), 200);
    assert.equal(await report(OPERATOR.clientId, '/report_asset_observation/', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ asset_key: ['raw', 'events'], metadata: {} }) }), 200);
    assert.deepEqual(dagster.recorder.assetReports.slice(before).map((r) => r.assetKey.join('/')), ['finance/ledger', 'raw/events']);
    const audit = auditRecords<{ action?: string; resource?: { assetKeys?: string[] } }>(join(dir, 'audit.jsonl'));
    const keys = audit.filter((r) => r.action === 'dagster.asset.report').map((r) => r.resource?.assetKeys?.join(','));
    assert.deepEqual(keys, ['finance/ledger', 'finance/ledger', 'raw/events'], 'policy saw the same keys');
    assert.equal(await report(OPERATOR.clientId, '/report_asset_materialization/?asset_key=a&asset_key=b'), 400);
  });

  it("rewrites the UI's permission answers per caller", async () => {
    const query = 'query PermissionsQuery { unscopedPermissions: permissions { permission value disabledReason } }';
    const launch = async (clientId: string): Promise<{ value: boolean; disabledReason: string | null }> => {
      const { status, json } = await post(clientId, { query, operationName: 'PermissionsQuery' });
      assert.equal(status, 200, JSON.stringify(json));
      const list = (json['data'] as { unscopedPermissions: { permission: string; value: boolean; disabledReason: string | null }[] }).unscopedPermissions;
      return list.find((p) => p.permission === 'launch_pipeline_execution')!;
    };
    const viewer = await launch(VIEWER.clientId);
    assert.equal(viewer.value, false);
    assert.match(viewer.disabledReason ?? '', /Changegate policy/);
    assert.deepEqual(await launch(OPERATOR.clientId), { permission: 'launch_pipeline_execution', value: true, disabledReason: null });
  });

  it('relays graphql-ws: a run subscription streams, a mutation gets an error frame, each start is audited', async () => {
    const run = dagster.model.listRuns()[0]!;
    const token = await idp.mintClientToken(VIEWER.clientId);
    const client = new WebSocket(`${base.replace('http:', 'ws:')}/dagster/graphql`, 'graphql-ws', { headers: { authorization: `Bearer ${token}` } });
    const frames: { type: string; id?: string; payload?: Record<string, unknown> }[] = [];
    await new Promise<void>((resolve, reject) => {
      client.once('error', reject);
      client.once('open', () => {
        client.send(JSON.stringify({ type: 'connection_init', payload: {} }));
        client.send(JSON.stringify({ type: 'start', id: 'm', payload: { query: 'mutation { reloadWorkspace { __typename } }', variables: {} } }));
        client.send(JSON.stringify({ type: 'start', id: 's', payload: { query: `subscription { pipelineRunLogs(runId: "${run.runId}") { __typename } }`, variables: {} } }));
      });
      client.on('message', (data) => {
        frames.push(JSON.parse(String(data)) as (typeof frames)[number]);
        if (frames.some((f) => f.type === 'error') && frames.some((f) => f.id === 's' && f.type === 'data')) resolve();
      });
    });
    client.close();
    assert.match(String(frames.find((f) => f.type === 'error')?.payload?.['message']), /only subscriptions/);
    assert.equal(frames.find((f) => f.type === 'error')?.id, 'm');
    const audit = auditRecords(join(dir, 'audit.jsonl'));
    const refused = audit.find((r) => String(r['requestId']).endsWith('/ws1'));
    assert.equal(refused?.['action'], 'dagster.ws.refused');
    const frameRecord = audit.find((r) => String(r['requestId']).endsWith('/ws2'));
    assert.equal((frameRecord?.['decision'] as { allow?: boolean } | undefined)?.allow, true);
    assert.deepEqual((frameRecord?.['resource'] as { runIds?: string[] } | undefined)?.runIds, [run.runId]);
    assert.ok(!dagster.recorder.operations.some((o) => JSON.stringify(o).includes('reloadWorkspace')));
  });

  // Query strings read two ways (issue 13, part 4): a `;` hides a second `query` from a reader
  // that splits on `&` only (parse_qsl before Python 3.9.2 splits on `;`, Starlette keeps the
  // last copy). Refused, audited with the reason, never forwarded; percent-encoded, it is data.
  const getQuery = async (query: string): Promise<{ status: number; json: Record<string, unknown>; requestId: string }> => {
    const res = await fetch(`${base}/dagster/graphql?${query}`, { headers: { authorization: `Bearer ${await idp.mintClientToken(VIEWER.clientId)}` } });
    return { status: res.status, json: (await res.json()) as Record<string, unknown>, requestId: res.headers.get('x-request-id') ?? '' };
  };
  const forwarded = (requestId: string): boolean => dagster.recorder.requests.some((r) => r.requestId === requestId);

  it("refuses a viewer's GET whose raw ; hides a mutation: 400, audited with the reason, not forwarded", async () => {
    const res = await getQuery('query=%7B__typename%7D%23;query=mutation%7BreloadWorkspace%7B__typename%7D%7D');
    assert.equal(res.status, 400, JSON.stringify(res.json));
    assert.equal(res.json['error'], 'bad_request');
    assert.match(String(res.json['reason']), /";"/);
    const d = auditRecords<Record<string, any>>(join(dir, 'audit.jsonl')).find((r) => r['kind'] === 'decision' && r['requestId'] === res.requestId);
    assert.equal(d?.['decision']?.['allow'], false);
    assert.match(String(d?.['resource']?.['reason']), /";"/);
    assert.equal(forwarded(res.requestId), false);
    const repeated = await getQuery('query=%7B__typename%7D&query=mutation%7BreloadWorkspace%7B__typename%7D%7D');
    assert.equal(repeated.status, 400);
    assert.match(String(repeated.json['reason']), /repeats "query"/);
    assert.equal(forwarded(repeated.requestId), false);
  });

  it('passes the same characters percent-encoded: they are data', async () => {
    const res = await getQuery('query=%7B__typename%7D%23%3Bquery%3Dmutation');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(forwarded(res.requestId), true);
  });
});
