// The Dagster classifier against the Dagster stand-in (built from the real schema): ids are
// resolved by real GraphQL lookups, and the bodies we would forward are sent to the stand-in,
// which validates them against the schema and records the tags of the runs it creates.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GraphqlLookup } from '../../src/upstreams/dagster/lookup.js';
import { startFakeDagster, type FakeDagster } from '../fakes/dagster/index.js';
import { classify, gql, startClassifyServer, testSchema, type ClassifyServer } from '../upstreams/dagster/harness.js';

describe('Dagster gate against the stand-in', () => {
  let dagster: FakeDagster;
  let server: ClassifyServer;
  let lookup: GraphqlLookup;
  before(async () => {
    dagster = await startFakeDagster();
    lookup = new GraphqlLookup({ endpoint: `http://127.0.0.1:${dagster.port}${dagster.graphqlPath}`, timeoutMs: 5000 });
    server = await startClassifyServer({ pathPrefix: '/dagster', maxClassifiedBodyBytes: 256 * 1024, schema: testSchema(), lookup, changeClaims: { trustedRoles: ['ci'], verify: (_user, claimed) => Promise.resolve(claimed) } });
  });
  after(async () => {
    await server.close();
    await dagster.close();
  });

  async function forward(body: string): Promise<Record<string, unknown>> {
    const res = await fetch(`http://127.0.0.1:${dagster.port}${dagster.graphqlPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return (await res.json()) as Record<string, unknown>;
  }

  it('stamps a launched run; the stand-in stores our tags, not the forged ones', async () => {
    const before = dagster.model.runs.size;
    const got = await classify(server, {
      ...gql('mutation Launch($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename ... on LaunchRunSuccess { run { runId } } } }', {
        p: { selector: { repositoryLocationName: 'finance', repositoryName: '__repository__', jobName: 'ledger_job' }, executionMetadata: { tags: [{ key: 'user', value: 'mallory@example.com' }, { key: 'team', value: 'fin' }] } },
      }),
      headers: { 'x-gerrit-change': '42' },
    });
    assert.equal(got.action, 'dagster.run.launch');
    const answer = await forward(got.forwarded ?? '');
    assert.equal((answer['errors'] as unknown[] | undefined)?.length ?? 0, 0, JSON.stringify(answer));
    assert.equal(dagster.model.runs.size, before + 1);
    const run = dagster.model.listRuns()[0]!;
    assert.deepEqual(
      run.tags.map((t) => `${t.key}=${t.value}`),
      ['team=fin', 'user=alice@example.com', 'changegate/request-id=req-1', 'gerrit/change-number=42'],
    );
  });

  it('resolves the run a terminate names, by looking it up', async () => {
    const run = dagster.model.listRuns().find((r) => r.job.location === 'finance')!;
    const got = await classify(server, gql(`mutation { terminateRun(runId: "${run.runId}") { __typename } }`));
    assert.equal(got.action, 'dagster.run.terminate');
    assert.equal(got.resource?.fields?.[0]?.['location'], 'finance');
    assert.equal(got.resource?.fields?.[0]?.['job'], run.job.name);
  });

  it('marks an unknown run as not found', async () => {
    const got = await classify(server, gql('mutation { deleteRun(runId: "no-such-run") { __typename } }'));
    assert.equal(got.resource?.fields?.[0]?.['notFound'], true);
  });

  it('resolves a schedule stop by origin id and a sensor stop by selector id', async () => {
    const schedule = dagster.model.instigators.find((i) => i.type === 'SCHEDULE' && i.location === 'finance')!;
    const s = await classify(server, gql(`mutation { stopRunningSchedule(scheduleOriginId: "${schedule.originId}", scheduleSelectorId: "nope") { __typename } }`));
    assert.equal(s.resource?.fields?.[0]?.['location'], 'finance');
    assert.equal(s.resource?.fields?.[0]?.['schedule'], schedule.name);
    const sensor = dagster.model.instigators.find((i) => i.type === 'SENSOR')!;
    const t = await classify(server, gql(`mutation { stopSensor(jobSelectorId: "${sensor.selectorId}") { __typename } }`));
    assert.equal(t.resource?.fields?.[0]?.['sensor'], sensor.name);
  });

  it('resolves a backfill a cancel names', async () => {
    const backfill = dagster.model.createBackfill([], ['2024-01-01'], 'ledger_partitions');
    const got = await classify(server, gql(`mutation { cancelPartitionBackfill(backfillId: "${backfill.backfillId}") { __typename } }`));
    assert.equal(got.action, 'dagster.backfill.cancel');
    assert.equal(got.resource?.fields?.[0]?.['partitionSet'], 'ledger_partitions');
    const missing = await classify(server, gql('mutation { resumePartitionBackfill(backfillId: "nope") { __typename } }'));
    assert.equal(missing.resource?.fields?.[0]?.['notFound'], true);
  });

  it('refuses when Dagster cannot be asked', async () => {
    const dead = new GraphqlLookup({ endpoint: 'http://127.0.0.1:9/dagster/graphql', timeoutMs: 2000 });
    await assert.rejects(dead.run('x'), (e: Error & { code?: string }) => e.code === 'upstream_unavailable' && /refused/.test(e.message));
  });
});
