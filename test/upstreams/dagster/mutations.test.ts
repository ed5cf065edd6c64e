// Each Dagster mutation field maps to its action and to the location, job, runs or assets it
// touches; id-only arguments are resolved by lookup; several root fields are all judged.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getNamedType, type GraphQLObjectType } from 'graphql';
import { MUTATIONS } from '../../../src/upstreams/dagster/graphql/mutations.js';
import { classify, gql, startClassifyServer, testSchema, TableLookup, type ClassifyServer } from './harness.js';

const REPO = { repositoryLocationName: 'finance', repositoryName: '__repository__' };
const lit = (v: unknown): string => JSON.stringify(v).replace(/"([A-Za-z_][A-Za-z0-9_]*)":/g, '$1:');

interface Row {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly action: string;
  readonly field?: Record<string, unknown>;
  readonly fields?: number;
}

const rows: Row[] = [
  { query: `mutation { launchRun(executionParams: {selector: ${lit({ ...REPO, pipelineName: 'etl', jobName: 'other' })}}) { __typename } }`, action: 'dagster.run.launch', field: { location: 'finance', repository: '__repository__', job: 'etl' } },
  { query: `mutation { launchPipelineExecution(executionParams: {selector: ${lit({ ...REPO, pipelineName: '', jobName: 'j2' })}}) { __typename } }`, action: 'dagster.run.launch', field: { job: 'j2' } },
  { query: 'mutation L($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename } }', variables: { p: { selector: { ...REPO, jobName: 'etl', assetSelection: [{ path: ['a', 'b'] }] } } }, action: 'dagster.run.launch', field: { job: 'etl', assetKeys: ['a/b'] } },
  { query: 'mutation L($l: [ExecutionParams!]!) { launchMultipleRuns(executionParamsList: $l) { __typename } }', variables: { l: [{ selector: { ...REPO, jobName: 'a' } }, { selector: { repositoryLocationName: 'ml', repositoryName: 'r', jobName: 'b' } }] }, action: 'dagster.run.launch', fields: 2 },
  { query: 'mutation { launchRunReexecution(reexecutionParams: {parentRunId: "run-1", strategy: ALL_STEPS}) { __typename } }', action: 'dagster.run.reexecute', field: { location: 'finance', job: 'etl', runIds: ['run-1'] } },
  { query: `mutation { launchPipelineReexecution(executionParams: {selector: ${lit({ ...REPO, pipelineName: 'etl' })}, executionMetadata: {parentRunId: "run-1"}}) { __typename } }`, action: 'dagster.run.reexecute', field: { job: 'etl', runIds: ['run-1'] } },
  { query: `mutation { startSchedule(scheduleSelector: ${lit({ ...REPO, scheduleName: 'daily' })}) { __typename } }`, action: 'dagster.schedule.start', field: { location: 'finance', schedule: 'daily' } },
  { query: 'mutation { stopRunningSchedule(scheduleOriginId: "so-1", scheduleSelectorId: "ss-1") { __typename } }', action: 'dagster.schedule.stop', field: { location: 'finance', schedule: 'daily' } },
  { query: 'mutation { stopRunningSchedule(id: "so-1") { __typename } }', action: 'dagster.schedule.stop', field: { location: 'finance', schedule: 'daily' } },
  { query: `mutation { resetSchedule(scheduleSelector: ${lit({ ...REPO, scheduleName: 'daily' })}) { __typename } }`, action: 'dagster.schedule.reset' },
  { query: `mutation { scheduleDryRun(selectorData: ${lit({ ...REPO, scheduleName: 'daily' })}) { __typename } }`, action: 'dagster.schedule.dryrun', field: { schedule: 'daily' } },
  { query: `mutation { startSensor(sensorSelector: ${lit({ ...REPO, sensorName: 's' })}) { __typename } }`, action: 'dagster.sensor.edit', field: { sensor: 's', location: 'finance' } },
  { query: 'mutation { stopSensor(jobOriginId: "se-1", jobSelectorId: "x") { __typename } }', action: 'dagster.sensor.edit', field: { sensor: 'watch', location: 'ml' } },
  { query: `mutation { resetSensor(sensorSelector: ${lit({ ...REPO, sensorName: 's' })}) { __typename } }`, action: 'dagster.sensor.edit' },
  { query: `mutation { setSensorCursor(cursor: "c", sensorSelector: ${lit({ ...REPO, sensorName: 's' })}) { __typename } }`, action: 'dagster.sensor.cursor' },
  { query: `mutation { sensorDryRun(selectorData: ${lit({ ...REPO, sensorName: 's' })}) { __typename } }`, action: 'dagster.sensor.dryrun' },
  { query: 'mutation { terminateRun(runId: "run-1") { __typename } }', action: 'dagster.run.terminate', field: { location: 'finance', job: 'etl' } },
  { query: 'mutation { terminatePipelineExecution(runId: "run-2") { __typename } }', action: 'dagster.run.terminate', field: { location: 'ml', job: 'train' } },
  { query: 'mutation { terminateRuns(runIds: ["run-1", "run-2"]) { __typename } }', action: 'dagster.run.terminate', fields: 2 },
  { query: 'mutation { deleteRun(runId: "nope") { __typename } }', action: 'dagster.run.delete', field: { runIds: ['nope'], notFound: true } },
  { query: 'mutation { deletePipelineRun(runId: "run-1") { __typename } }', action: 'dagster.run.delete', field: { location: 'finance' } },
  { query: 'mutation { reloadRepositoryLocation(repositoryLocationName: "finance") { __typename } }', action: 'dagster.location.reload', field: { location: 'finance' } },
  { query: 'mutation { shutdownRepositoryLocation(repositoryLocationName: "finance") { __typename } }', action: 'dagster.location.shutdown' },
  { query: 'mutation { reloadWorkspace { __typename } }', action: 'dagster.workspace.reload' },
  { query: 'mutation { wipeAssets(assetPartitionRanges: [{assetKey: {path: ["a", "b"]}}, {assetKey: {path: ["c"]}}]) { __typename } }', action: 'dagster.asset.wipe', field: { assetKeys: ['a/b', 'c'] } },
  { query: 'mutation { reportRunlessAssetEvents(eventParams: {eventType: ASSET_MATERIALIZATION, assetKey: {path: ["x"]}}) { __typename } }', action: 'dagster.asset.report', field: { assetKeys: ['x'] } },
  { query: `mutation { launchPartitionBackfill(backfillParams: {selector: {partitionSetName: "p", repositorySelector: ${lit(REPO)}}, partitionNames: ["2024"]}) { __typename } }`, action: 'dagster.backfill.launch', field: { location: 'finance', partitionSet: 'p' } },
  { query: 'mutation { resumePartitionBackfill(backfillId: "b1") { __typename } }', action: 'dagster.backfill.resume', field: { backfillIds: ['b1'], location: 'finance', partitionSet: 'p' } },
  { query: 'mutation { reexecutePartitionBackfill(reexecutionParams: {parentRunId: "b1", strategy: FROM_FAILURE}) { __typename } }', action: 'dagster.backfill.reexecute' },
  { query: 'mutation { cancelPartitionBackfill(backfillId: "b2") { __typename } }', action: 'dagster.backfill.cancel', field: { assetKeys: ['a/b'], backfillIds: ['b2'] } },
  { query: `mutation { addDynamicPartition(partitionKey: "k", partitionsDefName: "d", repositorySelector: ${lit(REPO)}) { __typename } }`, action: 'dagster.partition.edit', field: { location: 'finance' } },
  { query: `mutation { deleteDynamicPartitions(partitionKeys: ["k"], partitionsDefName: "d", repositorySelector: ${lit(REPO)}) { __typename } }`, action: 'dagster.partition.edit' },
  { query: 'mutation { setAutoMaterializePaused(paused: true) }', action: 'dagster.automaterialize.toggle' },
  { query: 'mutation { setConcurrencyLimit(concurrencyKey: "k", limit: 2) }', action: 'dagster.concurrency.edit' },
  { query: 'mutation { deleteConcurrencyLimit(concurrencyKey: "k") }', action: 'dagster.concurrency.edit' },
  { query: 'mutation { freeConcurrencySlotsForRun(runId: "run-1") }', action: 'dagster.concurrency.edit' },
  { query: 'mutation { freeConcurrencySlots(runId: "run-1") }', action: 'dagster.concurrency.edit' },
  { query: 'mutation { logTelemetry(action: "a", clientId: "c", clientTime: "t", metadata: "{}") { __typename } }', action: 'dagster.harmless' },
  { query: 'mutation { setNuxSeen }', action: 'dagster.harmless' },
];

function lookup(): TableLookup {
  const l = new TableLookup();
  l.runs.set('run-1', { runId: 'run-1', location: 'finance', repository: '__repository__', job: 'etl' });
  l.runs.set('run-2', { runId: 'run-2', location: 'ml', repository: '__repository__', job: 'train' });
  l.backfills.set('b1', { backfillId: 'b1', location: 'finance', repository: '__repository__', partitionSet: 'p' });
  l.backfills.set('b2', { backfillId: 'b2', assetKeys: ['a/b'] });
  l.instigators.set('so-1', { type: 'schedule', name: 'daily', location: 'finance', repository: '__repository__' });
  l.instigators.set('se-1', { type: 'sensor', name: 'watch', location: 'ml', repository: '__repository__' });
  return l;
}

describe('Dagster mutation classification', () => {
  let server: ClassifyServer;
  let failing: ClassifyServer;
  const down = lookup();
  down.failing = true;
  before(async () => {
    server = await startClassifyServer({ pathPrefix: '/dagster', maxClassifiedBodyBytes: 64 * 1024, schema: testSchema(), lookup: lookup() });
    failing = await startClassifyServer({ pathPrefix: '/dagster', maxClassifiedBodyBytes: 64 * 1024, schema: testSchema(), lookup: down });
  });
  after(async () => {
    await server.close();
    await failing.close();
  });

  it('knows every Mutation field of the schema, and nothing else', () => {
    const mutation = testSchema().getMutationType() as GraphQLObjectType;
    assert.deepEqual(Object.keys(mutation.getFields()).sort(), Object.keys(MUTATIONS).sort());
    assert.ok(getNamedType(mutation.getFields()['launchRun']!.type));
  });

  it('has a row for every mutation field', () => {
    const covered = new Set(rows.map((r) => /mutation[^{]*\{\s*(\w+)/.exec(r.query)?.[1]));
    for (const name of Object.keys(MUTATIONS)) assert.ok(covered.has(name), name);
  });

  for (const row of rows) {
    it(`${row.query.slice(0, 70)}`, async () => {
      const got = await classify(server, gql(row.query, row.variables));
      assert.equal(got.status, 200, JSON.stringify(got));
      assert.equal(got.action, row.action);
      const fields = got.resource?.fields ?? [];
      if (row.fields !== undefined) assert.equal(fields.length, row.fields);
      if (row.field !== undefined) {
        for (const [k, v] of Object.entries(row.field)) assert.deepEqual(fields[0]?.[k], v, `${k} in ${JSON.stringify(fields[0])}`);
      }
    });
  }

  it('judges every root field and labels the request with the most privileged action', async () => {
    const got = await classify(server, gql('mutation { a: setNuxSeen b: terminateRun(runId: "run-2") { __typename } c: reloadWorkspace { __typename } }'));
    assert.equal(got.action, 'dagster.workspace.reload');
    assert.deepEqual(got.resource?.fields?.map((f) => f['action']), ['dagster.harmless', 'dagster.run.terminate', 'dagster.workspace.reload']);
    assert.deepEqual(got.resource?.fields?.map((f) => f['alias']), ['a', 'b', 'c']);
    assert.deepEqual(got.resource?.['locations'], ['ml']);
    assert.deepEqual(got.resource?.['actions'], ['dagster.harmless', 'dagster.run.terminate', 'dagster.workspace.reload']);
  });

  it('resolves launchMultipleRuns item by item', async () => {
    const got = await classify(server, gql(rows[3]!.query, rows[3]!.variables));
    assert.deepEqual(got.resource?.['locations'], ['finance', 'ml']);
    assert.deepEqual(got.resource?.['jobs'], ['a', 'b']);
  });

  it('uses variable defaults when a variable is not supplied', async () => {
    const got = await classify(server, gql('mutation($loc: String! = "ml") { reloadRepositoryLocation(repositoryLocationName: $loc) { __typename } }'));
    assert.deepEqual(got.resource?.fields?.[0]?.['location'], 'ml');
  });

  it('fails closed when a lookup fails', async () => {
    const got = await classify(failing, gql('mutation { terminateRun(runId: "run-1") { __typename } }'));
    assert.equal(got.status, 502, JSON.stringify(got));
    assert.equal(got.error, 'upstream_unavailable');
    assert.match(got.reason ?? '', /refused/);
  });
});
