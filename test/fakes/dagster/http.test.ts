import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { startFakeDagster, type FakeDagster } from './index.js';

let dagster: FakeDagster;
before(async () => {
  dagster = await startFakeDagster();
});
after(async () => {
  await dagster.close();
});

const LAUNCH = `mutation Launch($p: ExecutionParams!) {
  launched: launchRun(executionParams: $p) {
    __typename
    ... on LaunchRunSuccess { run { runId jobName status tags { key value } } }
    ... on PipelineNotFoundError { message }
  }
}`;

function params(job: string, tags: { key: string; value: string }[], location = 'finance'): Record<string, unknown> {
  return { selector: { jobName: job, repositoryName: '__repository__', repositoryLocationName: location }, executionMetadata: { tags } };
}

interface GqlResponse {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string }[] };
}

async function post(body: unknown, headers: Record<string, string> = {}): Promise<GqlResponse> {
  const res = await fetch(`${dagster.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as GqlResponse['body'] };
}

function runOf(data: Record<string, unknown> | null | undefined, key: string): { runId: string; tags: { key: string; value: string }[] } {
  const result = data?.[key] as { __typename: string; run?: { runId: string; tags: { key: string; value: string }[] } };
  assert.equal(result.__typename, 'LaunchRunSuccess');
  assert.ok(result.run);
  return result.run;
}

describe('Dagster stand-in over HTTP', () => {
  test('a query the schema refuses answers 400 with GraphQL errors and executes nothing', async () => {
    const countBefore = dagster.recorder.operations.length;
    const res = await post({ query: 'mutation { launchRun(executionParams: {}) { __typename } }' });
    assert.equal(res.status, 400);
    assert.ok((res.body.errors ?? []).length > 0);
    assert.match(res.body.errors?.[0]?.message ?? '', /selector/);
    const bad = await post({ query: '{ runsOrError { ... on Runs { noSuchField } } }' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors?.[0]?.message ?? '', /noSuchField/);
    const sub = await post({ query: 'subscription { locationStateChangeEvents { event { message } } }' });
    assert.equal(sub.status, 400, 'subscriptions only over the WebSocket');
    const syntax = await post({ query: '{ runsOrError ' });
    assert.equal(syntax.status, 400);
    assert.equal(dagster.recorder.operations.length, countBefore);
    assert.equal(dagster.recorder.rejected.at(-1)?.query, '{ runsOrError ');
  });

  test('launchRun stores the run with its tags, records them with the request id and identity headers', async () => {
    const tags = [{ key: 'user', value: 'carol@example.test' }, { key: 'gerrit/change-number', value: '42' }];
    const res = await post({ query: LAUNCH, variables: { p: params('ledger_job', tags) }, operationName: 'Launch' }, { 'x-request-id': 'req-launch-1', 'x-forwarded-email': 'carol@example.test', 'x-changegate-assertion': 'a.b.c' });
    assert.equal(res.status, 200);
    const run = runOf(res.body.data, 'launched');
    assert.deepEqual(run.tags, tags);
    const op = dagster.recorder.operations.at(-1);
    assert.ok(op);
    assert.equal(op.operationType, 'mutation');
    assert.deepEqual(op.rootFields, ['launchRun']);
    assert.deepEqual(op.runTags, [tags]);
    assert.equal(op.requestId, 'req-launch-1');
    assert.equal(op.identity['x-forwarded-email'], 'carol@example.test');
    assert.equal(op.identity['x-changegate-assertion'], 'a.b.c');
    const read = await post({ query: `query($id: ID!) { runOrError(runId: $id) { ... on Run { runId status jobName tags { key value } hasTerminatePermission repositoryOrigin { repositoryLocationName } } } }`, variables: { id: run.runId } });
    assert.deepEqual(read.body.data?.['runOrError'], { runId: run.runId, status: 'STARTED', jobName: 'ledger_job', tags, hasTerminatePermission: true, repositoryOrigin: { repositoryLocationName: 'finance' } });
  });

  test('pipelineName wins over jobName, and an unknown job is PipelineNotFoundError', async () => {
    const both = { selector: { pipelineName: 'payroll_job', jobName: 'ledger_job', repositoryName: '__repository__', repositoryLocationName: 'finance' } };
    const res = await post({ query: LAUNCH, variables: { p: both } });
    const run = runOf(res.body.data, 'launched');
    assert.equal(dagster.model.runs.get(run.runId)?.job.name, 'payroll_job');
    const missing = await post({ query: LAUNCH, variables: { p: params('no_such_job', []) } });
    assert.equal((missing.body.data?.['launched'] as { __typename: string }).__typename, 'PipelineNotFoundError');
  });

  test('a GET ?query= mutation executes, as on the real webserver', async () => {
    const query = `mutation { launchPipelineExecution(executionParams: {selector: {pipelineName: "demo_job", repositoryName: "__repository__", repositoryLocationName: "demo_location"}, executionMetadata: {tags: [{key: "via", value: "get"}]}}) { __typename } }`;
    const res = await fetch(`${dagster.url}/graphql?query=${encodeURIComponent(query)}`);
    assert.equal(res.status, 200);
    const op = dagster.recorder.operations.at(-1);
    assert.equal(op?.transport, 'get');
    assert.deepEqual(op?.runTags, [[{ key: 'via', value: 'get' }]]);
  });

  test('a POST with a simple content type falls back to the query string; application/graphql reads the body', async () => {
    const query = 'mutation { logTelemetry(action: "x", clientId: "c", clientTime: "0", metadata: "{}") { __typename } }';
    const form = await fetch(`${dagster.url}/graphql?query=${encodeURIComponent(query)}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'ignored' });
    assert.equal(form.status, 200);
    assert.equal(dagster.recorder.operations.at(-1)?.transport, 'post-querystring');
    const raw = await fetch(`${dagster.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/graphql' }, body: 'mutation { setNuxSeen }' });
    assert.deepEqual(await raw.json(), { data: { setNuxSeen: true } });
    assert.equal(dagster.recorder.operations.at(-1)?.transport, 'post-graphql');
  });

  test('a batched array body breaks (500) and runs nothing', async () => {
    const countBefore = dagster.recorder.operations.length;
    const res = await post([{ query: 'mutation { setNuxSeen }' }]);
    assert.equal(res.status, 500);
    assert.equal(dagster.recorder.operations.length, countBefore);
  });

  test('aliases and fragments: root fields are the real field names', async () => {
    const query = `query Perms { unscoped: permissions { ...P } ...Loc } fragment P on Permission { permission value disabledReason }
      fragment Loc on Query { locationStatusesOrError { ... on WorkspaceLocationStatusEntries { entries { name permissions { ...P } } } } }`;
    const res = await post({ query });
    assert.equal(res.status, 200);
    assert.deepEqual(dagster.recorder.operations.at(-1)?.rootFields, ['permissions', 'locationStatusesOrError']);
    const perms = res.body.data?.['unscoped'] as { permission: string; value: boolean }[];
    assert.ok(perms.some((p) => p.permission === 'launch_pipeline_execution' && p.value));
    const entries = (res.body.data?.['locationStatusesOrError'] as { entries: { name: string }[] }).entries;
    assert.deepEqual(entries.map((e) => e.name), ['demo_location', 'finance']);
  });

  test('launchMultipleRuns and re-execution record each new run\'s tags', async () => {
    const multi = await post({
      query: 'mutation($l: [ExecutionParams!]!) { launchMultipleRuns(executionParamsList: $l) { __typename } }',
      variables: { l: [params('ledger_job', [{ key: 'n', value: '1' }]), params('demo_job', [{ key: 'n', value: '2' }], 'demo_location')] },
    });
    assert.equal(multi.status, 200);
    assert.deepEqual(dagster.recorder.operations.at(-1)?.runTags, [[{ key: 'n', value: '1' }], [{ key: 'n', value: '2' }]]);
    const parentId = dagster.recorder.operations.at(-1)?.created[0];
    assert.equal(parentId?.kind, 'run');
    const re = await post({
      query: 'mutation($r: ReexecutionParams) { launchPipelineReexecution(reexecutionParams: $r) { __typename ... on LaunchRunSuccess { run { parentRunId jobName } } } }',
      variables: { r: { parentRunId: parentId.kind === 'run' ? parentId.runId : '', strategy: 'ALL_STEPS', extraTags: [{ key: 'user', value: 'dave@example.test' }] } },
    });
    const child = (re.body.data?.['launchPipelineReexecution'] as { run: { parentRunId: string; jobName: string } }).run;
    assert.equal(child.jobName, 'ledger_job');
    const tags = dagster.recorder.operations.at(-1)?.runTags[0] ?? [];
    assert.deepEqual(tags.slice(0, 2), [{ key: 'n', value: '1' }, { key: 'user', value: 'dave@example.test' }]);
    assert.ok(tags.some((t) => t.key === 'dagster/parent_run_id'));
  });

  test('terminate, delete, schedules, sensors, backfills, reload and wipe execute against the model', async () => {
    const run = runOf((await post({ query: LAUNCH, variables: { p: params('ledger_job', []) } })).body.data, 'launched');
    const term = await post({ query: 'mutation($ids: [String!]!) { terminateRuns(runIds: $ids) { ... on TerminateRunsResult { terminateRunResults { __typename } } } }', variables: { ids: [run.runId, 'missing'] } });
    assert.deepEqual(term.body.data?.['terminateRuns'], { terminateRunResults: [{ __typename: 'TerminateRunSuccess' }, { __typename: 'RunNotFoundError' }] });
    assert.equal(dagster.model.runs.get(run.runId)?.status, 'CANCELED');
    const del = await post({ query: `mutation { deletePipelineRun(runId: "${run.runId}") { __typename } }` });
    assert.equal((del.body.data?.['deletePipelineRun'] as { __typename: string }).__typename, 'DeletePipelineRunSuccess');
    assert.equal(dagster.model.runs.has(run.runId), false);
    const start = await post({ query: 'mutation { startSchedule(scheduleSelector: {repositoryName: "__repository__", repositoryLocationName: "finance", scheduleName: "month_end_close"}) { ... on ScheduleStateResult { scheduleState { id status } } } }' });
    const state = (start.body.data?.['startSchedule'] as { scheduleState: { id: string; status: string } }).scheduleState;
    assert.equal(state.status, 'RUNNING');
    const stop = await post({ query: `mutation { stopRunningSchedule(id: "${state.id}") { ... on ScheduleStateResult { scheduleState { status } } } }` });
    assert.deepEqual(stop.body.data?.['stopRunningSchedule'], { scheduleState: { status: 'STOPPED' } });
    const sensor = await post({ query: 'mutation { startSensor(sensorSelector: {repositoryName: "__repository__", repositoryLocationName: "demo_location", sensorName: "new_file_sensor"}) { ... on Sensor { sensorState { status } } } }' });
    assert.deepEqual(sensor.body.data?.['startSensor'], { sensorState: { status: 'RUNNING' } });
    const bf = await post({ query: 'mutation { launchPartitionBackfill(backfillParams: {partitionNames: ["2024-01-01"], tags: [{key: "user", value: "carol@example.test"}]}) { ... on LaunchBackfillSuccess { backfillId } } }' });
    const backfillId = (bf.body.data?.['launchPartitionBackfill'] as { backfillId: string }).backfillId;
    assert.deepEqual(dagster.recorder.operations.at(-1)?.created, [{ kind: 'backfill', backfillId, tags: [{ key: 'user', value: 'carol@example.test' }] }]);
    const cancel = await post({ query: `mutation { cancelPartitionBackfill(backfillId: "${backfillId}") { __typename } }` });
    assert.equal((cancel.body.data?.['cancelPartitionBackfill'] as { __typename: string }).__typename, 'CancelBackfillSuccess');
    const reload = await post({ query: 'mutation { reloadRepositoryLocation(repositoryLocationName: "finance") { __typename } reloadWorkspace { __typename } wipeAssets(assetPartitionRanges: [{assetKey: {path: ["a", "b"]}}]) { __typename } }' });
    assert.deepEqual(reload.body.data, { reloadRepositoryLocation: { __typename: 'WorkspaceLocationEntry' }, reloadWorkspace: { __typename: 'Workspace' }, wipeAssets: { __typename: 'AssetWipeSuccess' } });
  });

  test('fields the stand-in does not model still answer in the schema\'s shape', async () => {
    const res = await post({ query: '{ instance { daemonHealth { id allDaemonStatuses { daemonType healthy } } runQueuingSupported } version }' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data?.['instance'], { daemonHealth: { id: '', allDaemonStatuses: [] }, runQueuingSupported: false });
  });

  test('REST routes: asset reports are recorded, logs and debug downloads serve, the page lists runs', async () => {
    const ok = await fetch(`${dagster.url}/report_asset_materialization/raw/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'rep-1' }, body: '{"metadata":{"rows":3}}' });
    assert.equal(ok.status, 200);
    assert.deepEqual(dagster.recorder.assetReports.at(-1), { requestId: 'rep-1', identity: {}, kind: 'materialization', assetKey: ['raw', 'orders'], body: { metadata: { rows: 3 } } });
    const form = await fetch(`${dagster.url}/report_asset_check/x`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    assert.equal(form.status, 400);
    const obs = await fetch(`${dagster.url}/report_asset_observation/y`, { method: 'POST' });
    assert.equal(obs.status, 200);
    assert.equal(dagster.recorder.assetReports.at(-1)?.kind, 'observation');
    const logs = await fetch(`${dagster.url}/logs/run/compute_logs/step.out`);
    assert.match(await logs.text(), /run\/compute_logs\/step\.out/);
    const runId = dagster.model.listRuns()[0]?.runId ?? '';
    const debug = await fetch(`${dagster.url}/download_debug/${runId}`);
    assert.equal(debug.status, 200);
    assert.match(gunzipSync(Buffer.from(await debug.arrayBuffer())).toString('utf8'), new RegExp(runId));
    assert.equal((await fetch(`${dagster.url}/download_debug/nope`)).status, 404);
    const page = await fetch(`${dagster.url}/`);
    const html = await page.text();
    assert.match(html, /<title>Dagster \(stand-in\)<\/title>/);
    assert.match(html, new RegExp(runId.slice(0, 8)));
    const origin = dagster.url.slice(0, -dagster.pathPrefix.length);
    assert.equal((await fetch(`${origin}/graphql?query={__typename}`)).status, 404);
    const encoded = await fetch(`${dagster.url}/%67raphql?query=${encodeURIComponent('{__typename}')}`);
    assert.deepEqual(await encoded.json(), { data: { __typename: 'Query' } }, 'percent-decoded before routing, like uvicorn');
    const root = await fetch(`${origin}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/dagster/');
  });
});
