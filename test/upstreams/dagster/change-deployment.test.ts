// A branch deployment the deployments controller built for a Gerrit change, through the real
// classifier and the real compiled default policy: the whole change reaches resource.deployment,
// the deployment is read per request (a status flip needs no new upstream), and runs are stamped
// with the change, the patch set, the deployment and its shadow suffix, whatever the client sent
// for those keys.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { changeDeployment, type DagsterDeployment } from '../../../src/upstreams/dagster/index.js';
import { judgeStart } from '../../../src/upstreams/dagster/ws/judge.js';
import type { ChangeSnapshot } from '../../../src/deployments/types.js';
import { CHANGE_ID, changeSnapshot } from '../../fakes/deployments/snapshot.js';
import { PolicyEngine } from '../../../src/policy/engine.js';
import { loadPolicy } from '../../../src/policy/load.js';
import { classify, gql, identityFrom, repoRoot, startClassifyServer, testSchema, type Classified, type ClassifyServer } from './harness.js';
import { subjectInput } from '../../../src/pipeline/records.js';

const SNAPSHOT: ChangeSnapshot = changeSnapshot({ commit: { sha: 'c'.repeat(40), authorName: 'Olivia' } });
const LAUNCH = 'mutation L($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename } }';
const SELECTOR = { repositoryLocationName: 'finance', repositoryName: '__repository__', jobName: 'etl' };
const OURS = {
  'gerrit/change-number': '42',
  'gerrit/change-id': CHANGE_ID,
  'gerrit/patchset': '3',
  'changegate/deployment': 'gerrit-change-42',
  'changegate/shadow-suffix': '_dagster_pr_42',
};

function launchWith(tags: { key: string; value: string }[], user: string): ReturnType<typeof gql> {
  return gql(LAUNCH, { p: { selector: SELECTOR, executionMetadata: { tags } } }, undefined, user);
}

function tagList(got: Classified): { key: string; value: string }[] {
  assert.equal(got.status, 200, JSON.stringify(got));
  const body = JSON.parse(got.forwarded ?? '{}') as { variables: { p: { executionMetadata: { tags: { key: string; value: string }[] } } } };
  return body.variables.p.executionMetadata.tags;
}

describe('Dagster branch deployment built for a Gerrit change', () => {
  let server: ClassifyServer;
  let current: DagsterDeployment = changeDeployment(SNAPSHOT);
  let reads = 0;
  const engine = new PolicyEngine({ cacheSize: 100, cacheTtlMs: 1000 });

  before(async () => {
    engine.swap((await loadPolicy({ path: join(repoRoot(), 'policies'), entrypoint: 'changegate/decision' })).snapshot);
    const deployment = (): DagsterDeployment => {
      reads++;
      return current;
    };
    server = await startClassifyServer({ pathPrefix: '/dagster', maxClassifiedBodyBytes: 64 * 1024, schema: testSchema(), deployment, decider: engine });
  });
  after(() => server.close());

  /** The real policy's answer for what the classifier made of the request. */
  const decide = (got: Classified, user: string): { allow: boolean; reasons: readonly string[] } => {
    const d = engine.decide({
      subject: subjectInput(identityFrom(user)),
      action: got.action ?? '',
      resource: got.resource as never,
      request: { method: 'POST', path: '/dagster/graphql', ip: '127.0.0.1', requestId: 'r' },
    });
    return { allow: d.allow, reasons: [...d.reasons] };
  };

  it('puts the whole change in resource.deployment', async () => {
    const got = await classify(server, gql('{ runsOrError { __typename } }'));
    assert.deepEqual(got.resource?.['deployment'], {
      name: 'gerrit-change-42',
      isBranchDeployment: true,
      branch: true,
      change: { number: 42, id: CHANGE_ID, project: 'data-pipelines', branch: 'main', patchset: 3, owner: 'olivia', reviewers: ['rico'], status: 'OPEN' },
      gitSha: 'c'.repeat(40),
      shadowSuffix: '_dagster_pr_42',
    });
    const rest = await classify(server, { method: 'GET', path: '/dagster/runs' });
    assert.equal((rest.resource?.['deployment'] as { isBranchDeployment?: boolean } | undefined)?.isBranchDeployment, true, 'REST routes carry it too');
  });

  it('stamps the change, patch set, deployment and shadow suffix', async () => {
    const tags = tagList(await classify(server, launchWith([{ key: 'team', value: 'data' }], 'olivia,viewer')));
    assert.deepEqual(tags, [
      { key: 'team', value: 'data' },
      { key: 'user', value: 'olivia@example.com' },
      { key: 'changegate/request-id', value: 'req-1' },
      ...Object.entries(OURS).map(([key, value]) => ({ key, value })),
    ]);
  });

  for (const [key, value] of Object.entries(OURS)) {
    it(`drops a client's own ${key} and writes ours`, async () => {
      const forged = [{ key, value: key === 'gerrit/change-number' ? '7' : 'forged' }];
      const tags = tagList(await classify(server, launchWith(forged, 'olivia,viewer')));
      assert.deepEqual(tags.filter((t) => t.key === key), [{ key, value }]);
    });
  }

  it('stamps the same tags on a re-execution and on every run of launchMultipleRuns', async () => {
    const forged = Object.keys(OURS).map((key) => ({ key, value: 'forged' }));
    const q = 'mutation M($l: [ExecutionParams!]!) { launchMultipleRuns(executionParamsList: $l) { __typename } }';
    const got = await classify(server, gql(q, { l: [{ selector: SELECTOR, executionMetadata: { tags: forged } }, { selector: SELECTOR }] }, undefined, 'olivia,viewer'));
    const body = JSON.parse(got.forwarded ?? '{}') as { variables: { l: { executionMetadata: { tags: { key: string; value: string }[] } }[] } };
    for (const params of body.variables.l) {
      const tags = Object.fromEntries(params.executionMetadata.tags.map((t) => [t.key, t.value]));
      for (const [key, value] of Object.entries(OURS)) assert.equal(tags[key], value);
    }
  });

  it('refuses an X-Gerrit-Change naming another change, takes one naming this one', async () => {
    const other = await classify(server, { ...launchWith([], 'ci-bot,ci'), headers: { 'x-gerrit-change': '43' } });
    assert.equal(other.status, 400);
    const same = await classify(server, { ...launchWith([], 'ci-bot,ci'), headers: { 'x-gerrit-change': `42,${CHANGE_ID}` } });
    assert.equal(same.status, 200);
    assert.deepEqual(same.resource?.['change'], { number: 42, changeId: CHANGE_ID, project: 'data-pipelines', branch: 'main', source: 'deployment' });
  });

  it('lets the owner, a reviewer and ci launch while the change is open, not a stranger', async () => {
    for (const user of ['olivia,viewer', 'rico,viewer', 'ci-bot,ci']) assert.equal(decide(await classify(server, launchWith([], user)), user).allow, true, user);
    assert.equal(decide(await classify(server, launchWith([], 'sam,viewer')), 'sam,viewer').allow, false);
  });

  it('reads the deployment per request: once the change merges nobody launches, with no new upstream', async () => {
    const before = reads;
    current = changeDeployment({ ...SNAPSHOT, status: 'MERGED' });
    try {
      const got = await classify(server, launchWith([], 'ada,viewer,admin'));
      assert.equal((got.resource?.['deployment'] as { change: { status: string } }).change.status, 'MERGED');
      assert.deepEqual(decide(got, 'ada,viewer,admin'), { allow: false, reasons: ['dagster_change_closed'] });
      assert.ok(reads > before);
      // A socket opened before the merge is judged against the deployment as it is now.
      const frame = await judgeStart({ query: 'subscription S { locationStateChangeEvents { __typename } }', variables: {}, operationName: undefined }, { schema: testSchema(), deployment: () => current });
      assert.equal(frame.kind, 'judge');
      assert.equal(frame.kind === 'judge' && (frame.classification.resource['deployment'] as { change: { status: string } }).change.status, 'MERGED');
    } finally {
      current = changeDeployment(SNAPSHOT);
    }
  });

  it('stamps the new patch set once the controller swaps the deployment', async () => {
    current = changeDeployment({ ...SNAPSHOT, patchset: 4, commit: { ...SNAPSHOT.commit, sha: 'd'.repeat(40) } });
    try {
      const tags = Object.fromEntries(tagList(await classify(server, launchWith([], 'olivia,viewer'))).map((t) => [t.key, t.value]));
      assert.equal(tags['gerrit/patchset'], '4');
    } finally {
      current = changeDeployment(SNAPSHOT);
    }
  });
});
