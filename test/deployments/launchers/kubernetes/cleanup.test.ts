import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { KubeApi } from '../../../../src/deployments/launchers/kubernetes/api.js';
import { KubernetesLauncher, type KubernetesLauncherOptions } from '../../../../src/deployments/launchers/kubernetes/launcher.js';
import { loadTemplate, type BranchTemplate } from '../../../../src/deployments/launchers/kubernetes/template.js';
import { startFakeKubernetes, type FakeKubernetes } from '../../../fakes/kubernetes/server.js';
import { eventually } from '../../../fakes/poll.js';
import { drive, launchSpec, ManualClock, repoRoot } from './harness.js';

const NS = 'dagster-branches';
const COMMAND = ['python', '-m', 'pipelines.cleanup', '--deployment', '{name}', '$(HOME)'];

describe('kubernetes launcher cleanup Job', () => {
  let fake: FakeKubernetes;
  let api: KubeApi;
  let clock: ManualClock;
  let template: BranchTemplate;

  beforeEach(async () => {
    fake = await startFakeKubernetes();
    api = new KubeApi({ server: new URL(fake.url), token: { value: fake.token } });
    clock = new ManualClock();
    template = await loadTemplate(join(repoRoot(), 'deploy', 'branch-deployment.yaml'), NS);
  });

  afterEach(async () => {
    await api.close();
    await fake.close();
  });

  const launcher = (extra: Partial<KubernetesLauncherOptions> = {}) => new KubernetesLauncher({ api, template, clock, pollIntervalMs: 1000, cleanupCommand: COMMAND, ...extra });
  const jobCreate = () => fake.calls.find((c) => c.method === 'POST' && c.path === `/apis/batch/v1/namespaces/${NS}/jobs`)?.body as Record<string, any>;

  it('runs the command as a Job from the webserver image with its env, reads its log, deletes it', async () => {
    fake.jobsOnCreate = { kind: 'succeeded', log: 'dropped schema _dagster_pr_42\n', exitCode: 0 };
    const result = await launcher().cleanup(launchSpec(), 60_000);
    assert.deepEqual(result, { ok: true, exitCode: 0, output: 'dropped schema _dagster_pr_42\n' });

    const job = jobCreate();
    assert.equal(job['metadata'].generateName, 'gerrit-change-42-cleanup-');
    assert.deepEqual(job['metadata'].labels, { 'changegate.io/deployment': 'gerrit-change-42', 'changegate.io/change': '42', 'changegate.io/patchset': '3', 'changegate.io/role': 'cleanup' });
    const c = job['spec'].template.spec.containers[0];
    assert.equal(job['spec'].template.spec.restartPolicy, 'Never');
    assert.equal(job['spec'].backoffLimit, 0);
    assert.equal(c.image, 'registry.example.com/data-pipelines:change-42-ps3');
    assert.deepEqual(c.command, ['python', '-m', 'pipelines.cleanup', '--deployment', 'gerrit-change-42', '$$(HOME)']);
    const env = Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    assert.equal(env['DAGSTER_CLOUD_DEPLOYMENT_NAME'], 'gerrit-change-42');
    assert.equal(env['DAGSTER_HOME'], '/opt/dagster/home');
    assert.deepEqual(c.envFrom, [{ secretRef: { name: 'dagster-branch-deployments', optional: true } }]);

    const name = fake.calls.find((c) => c.method === 'DELETE')?.path.split('/').pop();
    assert.match(name ?? '', /^gerrit-change-42-cleanup-[a-z0-9]{5}$/);
    assert.deepEqual((fake.calls.find((c) => c.method === 'DELETE')?.body as { propagationPolicy: string }).propagationPolicy, 'Background');
    assert.deepEqual(fake.objects('jobs', NS), []);
    assert.deepEqual(fake.objects('pods', NS), []);
  });

  it('reports a failed Job with its exit code and log', async () => {
    fake.jobsOnCreate = { kind: 'failed', log: 'Traceback...\npermission denied for schema\n', exitCode: 3 };
    const result = await launcher().cleanup(launchSpec(), 60_000);
    assert.deepEqual(result, { ok: false, exitCode: 3, output: 'Traceback...\npermission denied for schema\n' });
    assert.deepEqual(fake.objects('jobs', NS), []);
  });

  it('waits for a running Job and sees it finish', async () => {
    const cleaning = launcher().cleanup(launchSpec(), 60_000);
    await eventually('the cleanup to wait for its Job', () => clock.sleeping > 0);
    const job = fake.objects('jobs', NS)[0]!;
    fake.setJob(NS, job['metadata'].name, { kind: 'succeeded', log: 'done\n', exitCode: 0 });
    const { result } = await drive(clock, cleaning);
    assert.deepEqual(result, { status: 'fulfilled', value: { ok: true, exitCode: 0, output: 'done\n' } });
  });

  it('gives up at the deadline with what the Job wrote so far, and deletes it', async () => {
    fake.jobsOnCreate = { kind: 'running', log: 'dropping 1/300\n' };
    const { result, sleeps } = await drive(clock, launcher().cleanup(launchSpec(), 3000));
    assert.equal(sleeps, 3);
    assert.equal(result.status, 'fulfilled');
    const value = (result as PromiseFulfilledResult<{ ok: boolean; exitCode: number | null; output: string }>).value;
    assert.equal(value.ok, false);
    assert.equal(value.exitCode, null);
    assert.match(value.output, /^dropping 1\/300\n\(cleanup Job gerrit-change-42-cleanup-\S+ did not finish within 3000 ms\)$/);
    assert.deepEqual(fake.objects('jobs', NS), []);
  });

  it('uses cleanupImage when configured', async () => {
    fake.jobsOnCreate = { kind: 'succeeded', log: '', exitCode: 0 };
    await launcher({ cleanupImage: 'registry.example.com/cleanup:1' }).cleanup(launchSpec(), 60_000);
    assert.equal(jobCreate()['spec'].template.spec.containers[0].image, 'registry.example.com/cleanup:1');
  });

  it('never rejects: an API refusal is a failed result', async () => {
    const wrong = new KubeApi({ server: new URL(fake.url), token: { value: 'wrong' } });
    const result = await new KubernetesLauncher({ api: wrong, template, clock, cleanupCommand: COMMAND }).cleanup(launchSpec(), 60_000);
    assert.equal(result.ok, false);
    assert.match(result.output, /401 Unauthorized/);
    await wrong.close();
  });

  it('without a cleanup command does nothing and says so', async () => {
    const result = await launcher({ cleanupCommand: undefined }).cleanup(launchSpec(), 60_000);
    assert.deepEqual(result, { ok: true, exitCode: null, output: 'no deployments.cleanup.command: nothing to run' });
    assert.equal(fake.calls.length, 0);
  });
});
