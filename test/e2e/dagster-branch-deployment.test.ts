// A branch deployment end to end: Changegate configured with `upstreams.dagster.deployment`
// for one Gerrit change, in front of the Dagster stand-in. CI (a machine client with the `ci`
// role) may launch there, and its runs carry the deployment's change; CI may not launch in the
// main deployment; a header naming another change is refused before Dagster sees it. Then a
// deployment as the deployments controller adds one (a route whose deployment is a getter over
// the change): its owner launches there, runs carry the patch set, deployment and shadow
// suffix, and once the change merges nobody launches, without the route being rebuilt.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/observability/logger.js';
import { startChangegate, type ChangegateHandle } from '../../src/main/server.js';
import { repoRoot } from '../upstreams/dagster/harness.js';
import { startFakeDagster, type FakeDagster } from '../fakes/dagster/index.js';
import { startTestIdp, type TestIdp } from '../fakes/idp.js';
import { changeDeployment, dagsterUpstream, type DagsterDeployment } from '../../src/upstreams/dagster/index.js';
import { CHANGE_ID, changeSnapshot } from '../fakes/deployments/snapshot.js';

const CI = { kind: 'machine', clientId: 'ci-runner', clientSecret: 'ci-secret', audience: 'changegate' } as const;
/** A machine client with no role at all: what it may do in change 77's deployment it may as the change's owner. */
const OWNER = { kind: 'machine', clientId: 'owner-bot', clientSecret: 'owner-secret', audience: 'changegate' } as const;
const LAUNCH = 'mutation Launch($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename ... on LaunchRunSuccess { run { runId } } } }';
const PARAMS = { selector: { repositoryLocationName: 'finance', repositoryName: '__repository__', jobName: 'ledger_job' }, executionMetadata: { tags: [{ key: 'gerrit/change-number', value: '1' }] } };

describe('Dagster branch deployments through the pipeline', () => {
  let dagster: FakeDagster;
  let changeDagster: FakeDagster;
  let idp: TestIdp;
  const proxies: ChangegateHandle[] = [];
  let branchBase = '';
  let mainBase = '';
  const dir = mkdtempSync(join(tmpdir(), 'changegate-branch-'));

  async function start(name: string, deployment: Record<string, unknown> | undefined): Promise<string> {
    const config = configSchema.parse({
      listen: '127.0.0.1:0',
      admin: { listen: '127.0.0.1:0' },
      stateDir: join(dir, name, 'state'),
      upstreams: {
        dagster: {
          url: `http://127.0.0.1:${dagster.port}`,
          pathPrefix: '/dagster',
          timeoutMs: 5000,
          graphqlSchema: join(repoRoot(), 'test', 'fakes', 'dagster', 'schema.graphql'),
          ...(deployment === undefined ? {} : { deployment }),
        },
      },
      identity: { bearer: [{ issuer: idp.issuer, audience: 'changegate' }], roles: { ci: { clients: [CI.clientId] } } },
      policy: { path: join(repoRoot(), 'policies'), watch: false },
      audit: { path: join(dir, name, 'audit.jsonl') },
    });
    const proxy = await startChangegate(config, { logger: createLogger({ level: 'silent' }) });
    proxies.push(proxy);
    return `http://127.0.0.1:${proxy.ingress.port}`;
  }

  before(async () => {
    dagster = await startFakeDagster();
    changeDagster = await startFakeDagster({ pathPrefix: '/dagster/changes/77' });
    idp = await startTestIdp({ clients: [CI, OWNER] });
    branchBase = await start('branch', { name: 'change-42', branch: 'refs/changes/42/42/3', change: `42,${CHANGE_ID}` });
    mainBase = await start('main', { name: 'prod' });
  });

  after(async () => {
    for (const p of proxies) await p.close();
    await Promise.all([dagster.close(), changeDagster.close(), idp.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const launch = async (base: string, headers: Record<string, string> = {}, client: string = CI.clientId, prefix = '/dagster'): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${base}${prefix}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await idp.mintClientToken(client)}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: LAUNCH, variables: { p: PARAMS } }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it("lets ci launch in the branch deployment, stamped with the deployment's change", async () => {
    const { status, json } = await launch(branchBase);
    assert.equal(status, 200, JSON.stringify(json));
    const runId = (json['data'] as { launchRun: { run: { runId: string } } }).launchRun.run.runId;
    const tags = Object.fromEntries(dagster.model.runs.get(runId)!.tags.map((t) => [t.key, t.value]));
    assert.equal(tags['gerrit/change-number'], '42');
    assert.equal(tags['gerrit/change-id'], CHANGE_ID);
    assert.equal(tags['user'], CI.clientId);
  });

  it('refuses ci a launch in the main deployment', async () => {
    const before = dagster.model.runs.size;
    const { status, json } = await launch(mainBase, { 'x-gerrit-change': '42' });
    assert.equal(status, 403, JSON.stringify(json));
    assert.equal(dagster.model.runs.size, before);
  });

  it('refuses a header naming another change in the branch deployment', async () => {
    const before = dagster.model.runs.size;
    const { status, json } = await launch(branchBase, { 'x-gerrit-change': '43' });
    assert.equal(status, 400, JSON.stringify(json));
    assert.match(String(json['reason']), /another change/);
    assert.equal(dagster.model.runs.size, before);
  });

  it("serves a controller-built change deployment: the owner launches while it is open, nobody once it merged", async () => {
    const snapshot = changeSnapshot({
      number: 77,
      owner: OWNER.clientId,
      reviewers: [],
      patchset: 2,
      ref: 'refs/changes/77/77/2',
      commit: { sha: 'e'.repeat(40), authorName: 'Owner Bot', authorEmail: 'owner-bot@example.com' },
    });
    let current: DagsterDeployment = changeDeployment(snapshot);
    const proxy = proxies[1]!;
    const upstreamConfig = configSchema.parse({
      listen: '127.0.0.1:0',
      admin: { listen: '127.0.0.1:0' },
      stateDir: join(dir, 'unused'),
      upstreams: { dagster: { url: `http://127.0.0.1:${changeDagster.port}`, pathPrefix: '/dagster/changes/77', timeoutMs: 5000, graphqlSchema: join(repoRoot(), 'test', 'fakes', 'dagster', 'schema.graphql'), deployment: { name: 'prod' } } },
    }).upstreams.dagster!;
    proxy.routes.add(dagsterUpstream(upstreamConfig, { name: 'dagster-change-77', maxClassifiedBodyBytes: 1024 * 1024, webSocketIdleMs: 60_000, decider: proxy.engine, deployment: () => current }));
    try {
      const open = await launch(mainBase, {}, OWNER.clientId, '/dagster/changes/77');
      assert.equal(open.status, 200, JSON.stringify(open.json));
      const runId = (open.json['data'] as { launchRun: { run: { runId: string } } }).launchRun.run.runId;
      const tags = Object.fromEntries(changeDagster.model.runs.get(runId)!.tags.map((t) => [t.key, t.value]));
      assert.deepEqual(
        { number: tags['gerrit/change-number'], patchset: tags['gerrit/patchset'], deployment: tags['changegate/deployment'], suffix: tags['changegate/shadow-suffix'] },
        { number: '77', patchset: '2', deployment: 'gerrit-change-77', suffix: '_dagster_pr_77' },
        'the getter overrides the config (which said main), and the client\'s gerrit/change-number: 1 was replaced',
      );
      assert.equal((await launch(mainBase, {}, OWNER.clientId)).status, 403, "the owner's rights stop at the change's deployment");

      current = changeDeployment({ ...snapshot, status: 'MERGED' });
      const before = changeDagster.model.runs.size;
      const merged = await launch(mainBase, {}, CI.clientId, '/dagster/changes/77');
      assert.equal(merged.status, 403, JSON.stringify(merged.json));
      assert.match(JSON.stringify(merged.json), /dagster_change_closed/);
      assert.equal(changeDagster.model.runs.size, before);
    } finally {
      await proxy.routes.remove('dagster-change-77');
    }
  });
});
