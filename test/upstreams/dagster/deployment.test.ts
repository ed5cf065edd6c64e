// Branch deployments and the UI permission hook, through the real classifier on real requests:
// the deployment reaches the resource, its change is stamped on runs (and a header naming
// another change is refused), and queries that select permission fields ask for their response
// to be rewritten per user by the real compiled policy.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { configSchema } from '../../../src/config/schema.js';
import { deploymentFromConfig, type DagsterDeployment } from '../../../src/upstreams/dagster/deployment.js';
import { PolicyEngine } from '../../../src/policy/engine.js';
import { loadPolicy } from '../../../src/policy/load.js';
import { classify, gql, repoRoot, startClassifyServer, testSchema, type ClassifyServer } from './harness.js';

const CHANGE_ID = 'I8473b95934b5732ac55d26311a706c9c2bde9940';
const LAUNCH = 'mutation L($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename } }';
const PARAMS = { p: { selector: { repositoryLocationName: 'finance', repositoryName: '__repository__', jobName: 'etl' }, executionMetadata: { tags: [{ key: 'gerrit/change-number', value: '1' }] } } };

function tagsOf(forwarded: string | undefined): Record<string, string> {
  const body = JSON.parse(forwarded ?? '{}') as { variables: typeof PARAMS };
  return Object.fromEntries(body.variables.p.executionMetadata.tags.map((t) => [t.key, t.value]));
}

describe('Dagster deployments from config', () => {
  it('is main without a branch or change, a branch deployment with either', () => {
    assert.deepEqual(deploymentFromConfig(undefined), { kind: 'main', name: 'default' });
    assert.deepEqual(deploymentFromConfig({ name: 'prod' }), { kind: 'main', name: 'prod' });
    assert.deepEqual(deploymentFromConfig({ name: 'feat', branch: 'feature/x' }), { kind: 'branch', name: 'feat', gitBranch: 'feature/x' });
    assert.deepEqual(deploymentFromConfig({ name: 'pr', change: `42,${CHANGE_ID}` }), { kind: 'branch', name: 'pr', change: { number: 42, changeId: CHANGE_ID } });
    assert.deepEqual(deploymentFromConfig({ name: 'pr', change: 42 }), { kind: 'branch', name: 'pr', change: { number: 42 } });
  });

  it('reads upstreams.dagster.deployment and refuses a malformed change', () => {
    const base = { listen: '127.0.0.1:0', admin: { listen: '127.0.0.1:0' }, stateDir: '/tmp/x' };
    const config = configSchema.parse({ ...base, upstreams: { dagster: { url: 'http://127.0.0.1:3000', deployment: { name: 'pr-7', change: 7 } } } });
    assert.deepEqual(deploymentFromConfig(config.upstreams.dagster?.deployment), { kind: 'branch', name: 'pr-7', change: { number: 7 } });
    assert.equal(configSchema.safeParse({ ...base, upstreams: { dagster: { url: 'http://127.0.0.1:3000', deployment: { name: 'pr', change: 'abc' } } } }).success, false);
    assert.equal(configSchema.safeParse({ ...base, upstreams: { gerrit: { url: 'http://127.0.0.1:8081', deployment: { name: 'x' } } } }).success, false, 'Gerrit has no deployments');
  });
});

describe('Dagster classifier in a branch deployment', () => {
  let branch: ClassifyServer;
  let main: ClassifyServer;
  const engine = new PolicyEngine({ cacheSize: 100, cacheTtlMs: 1000 });
  before(async () => {
    engine.swap((await loadPolicy({ path: join(repoRoot(), 'policies'), entrypoint: 'changegate/decision' })).snapshot);
    const deployment: DagsterDeployment = { kind: 'branch', name: 'pr-42', gitBranch: 'refs/changes/42/42/1', change: { number: 42, changeId: CHANGE_ID } };
    branch = await startClassifyServer({ pathPrefix: '/dagster', maxClassifiedBodyBytes: 64 * 1024, schema: testSchema(), deployment, decider: engine });
    main = await startClassifyServer({ pathPrefix: '/dagster', maxClassifiedBodyBytes: 64 * 1024, schema: testSchema(), decider: engine, changeClaims: { trustedRoles: ['ci'], verify: (_user, claimed) => Promise.resolve(claimed) } });
  });
  after(async () => {
    await branch.close();
    await main.close();
  });

  it('puts the deployment in the resource', async () => {
    const got = await classify(branch, gql('{ runsOrError { __typename } }'));
    assert.deepEqual(got.resource?.['deployment'], { name: 'pr-42', isBranchDeployment: true, branch: true, gitBranch: 'refs/changes/42/42/1', change: { number: 42, id: CHANGE_ID }, shadowSuffix: '_dagster_pr_42' });
    const rest = await classify(branch, { method: 'GET', path: '/dagster/runs' });
    assert.equal((rest.resource?.['deployment'] as { branch?: boolean } | undefined)?.branch, true);
    const onMain = await classify(main, gql('{ runsOrError { __typename } }'));
    assert.deepEqual(onMain.resource?.['deployment'], { name: 'default', isBranchDeployment: false, branch: false });
  });

  it("stamps the deployment's change on runs, replacing a forged one", async () => {
    const got = await classify(branch, gql(LAUNCH, PARAMS));
    assert.deepEqual(got.change, { number: 42, changeId: CHANGE_ID });
    const tags = tagsOf(got.forwarded);
    assert.equal(tags['gerrit/change-number'], '42');
    assert.equal(tags['gerrit/change-id'], CHANGE_ID);
    assert.equal(tags['changegate/deployment'], 'pr-42');
    assert.equal(tags['changegate/shadow-suffix'], '_dagster_pr_42');
    assert.equal(tags['gerrit/patchset'], undefined, 'a config-built deployment does not know its patch set');
  });

  it('accepts a header naming the same change, refuses one naming another', async () => {
    const same = await classify(branch, { ...gql(LAUNCH, PARAMS), headers: { 'x-gerrit-change': '42' } });
    assert.equal(tagsOf(same.forwarded)['gerrit/change-number'], '42');
    const other = await classify(branch, { ...gql(LAUNCH, PARAMS), headers: { 'x-gerrit-change': '43' } });
    assert.equal(other.status, 400);
    assert.match(other.reason ?? '', /another change/);
  });

  it('takes the change from the header in the main deployment', async () => {
    const got = await classify(main, { ...gql(LAUNCH, PARAMS), headers: { 'x-gerrit-change': '43' } });
    assert.equal(tagsOf(got.forwarded)['gerrit/change-number'], '43');
    const none = await classify(main, gql(LAUNCH, PARAMS));
    assert.equal(tagsOf(none.forwarded)['gerrit/change-number'], undefined, 'the forged tag is dropped and none is added');
    assert.equal(tagsOf(none.forwarded)['changegate/deployment'], undefined, 'main is no branch deployment');
  });

  const PERMS = 'query PermissionsQuery { unscopedPermissions: permissions { permission value disabledReason } }';
  const upstream = JSON.stringify({ data: { unscopedPermissions: [{ permission: 'launch_pipeline_execution', value: true, disabledReason: null }] } });
  const launchAllowed = (body: string | undefined): boolean => (JSON.parse(body ?? '{}') as { data: { unscopedPermissions: { value: boolean }[] } }).data.unscopedPermissions[0]!.value;

  it('asks for a permission rewrite only for queries that select permission fields', async () => {
    const perms = await classify(branch, { ...gql(PERMS, undefined, undefined, 'vic,viewer'), headers: { 'x-test-upstream-body': upstream } });
    assert.ok(perms.rewrite !== undefined && perms.rewrite.maxBytes > 0);
    const plain = await classify(branch, gql('{ runsOrError { __typename } }'));
    assert.equal(plain.rewrite, undefined);
    const mutation = await classify(branch, gql(LAUNCH, PARAMS));
    assert.equal(mutation.rewrite, undefined);
  });

  it('rewrites per user and per deployment: ci may launch in the branch deployment only', async () => {
    const send = (server: ClassifyServer, user: string) => classify(server, { ...gql(PERMS, undefined, undefined, user), headers: { 'x-test-upstream-body': upstream } });
    assert.equal(launchAllowed((await send(branch, 'vic,viewer')).rewrite?.body), false);
    assert.equal(launchAllowed((await send(branch, 'ci-bot,ci')).rewrite?.body), true);
    assert.equal(launchAllowed((await send(main, 'ci-bot,ci')).rewrite?.body), false);
    assert.equal(launchAllowed((await send(main, 'olga,viewer,operator')).rewrite?.body), true);
    const anonymous = await classify(main, { method: 'GET', path: `/dagster/graphql?query=${encodeURIComponent(PERMS)}`, headers: { 'x-test-upstream-body': upstream } });
    assert.equal(launchAllowed(anonymous.rewrite?.body), false, 'GET queries are rewritten too');
  });

  it('does not ask for a rewrite without a decider', async () => {
    const bare = await startClassifyServer({ pathPrefix: '/dagster', maxClassifiedBodyBytes: 4096 });
    try {
      assert.equal((await classify(bare, gql(PERMS))).rewrite, undefined);
    } finally {
      await bare.close();
    }
  });
});
