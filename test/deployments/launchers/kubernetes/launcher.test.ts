import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { KubeApi } from '../../../../src/deployments/launchers/kubernetes/api.js';
import { KubernetesLauncher } from '../../../../src/deployments/launchers/kubernetes/launcher.js';
import { loadTemplate } from '../../../../src/deployments/launchers/kubernetes/template.js';
import { LaunchError } from '../../../../src/deployments/types.js';
import { startFakeKubernetes, type FakeKubernetes } from '../../../fakes/kubernetes/server.js';
import { eventually } from '../../../fakes/poll.js';
import { drive, launchSpec, ManualClock, repoRoot } from './harness.js';

const NS = 'dagster-branches';
const NAME = 'gerrit-change-42-ps3';
const HANDLE = { namespace: NS, deployment: NAME, service: NAME };
const SELECTOR = 'changegate.io/deployment=gerrit-change-42,changegate.io/change=42,changegate.io/patchset=3';

function launchError(pattern: RegExp, output?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof LaunchError, `expected a LaunchError, got ${String(e)}`);
    assert.match(e.message, pattern);
    if (output !== undefined) assert.match(e.output, output);
    return true;
  };
}

describe('kubernetes launcher against a fake API server', () => {
  let fake: FakeKubernetes;
  let api: KubeApi;
  let clock: ManualClock;
  let launcher: KubernetesLauncher;

  beforeEach(async () => {
    fake = await startFakeKubernetes();
    api = new KubeApi({ server: new URL(fake.url), token: { value: fake.token } });
    clock = new ManualClock();
    const template = await loadTemplate(join(repoRoot(), 'deploy', 'branch-deployment.yaml'), NS);
    launcher = new KubernetesLauncher({ api, template, clock, pollIntervalMs: 1000 });
  });

  afterEach(async () => {
    await api.close();
    await fake.close();
  });

  const remaining = () => ({ deployments: fake.objects('deployments', NS).map((o) => o['metadata'].name), services: fake.objects('services', NS).map((o) => o['metadata'].name) });

  it('creates exactly what the template says, waits for a Ready pod, and returns the Service address', async () => {
    const starting = launcher.start(launchSpec());
    await eventually('the launcher to wait for a Ready pod', () => clock.sleeping > 0);

    assert.deepEqual(
      fake.calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`),
      [`POST /apis/apps/v1/namespaces/${NS}/deployments`, `POST /api/v1/namespaces/${NS}/services`],
    );
    assert.deepEqual(remaining(), { deployments: [NAME], services: [NAME] });
    const listed = fake.calls.filter((c) => c.path === `/api/v1/namespaces/${NS}/pods`);
    assert.equal(listed[0]?.query['labelSelector'], SELECTOR);

    const d = fake.object('deployments', NS, NAME)!;
    const labels = { 'changegate.io/deployment': 'gerrit-change-42', 'changegate.io/change': '42', 'changegate.io/patchset': '3' };
    assert.deepEqual(d['metadata'].labels, { 'app.kubernetes.io/name': 'dagster-webserver', 'app.kubernetes.io/part-of': 'changegate-branch-deployments', ...labels });
    const c = d['spec'].template.spec.containers[0];
    assert.equal(c.image, 'registry.example.com/data-pipelines:change-42-ps3');
    assert.deepEqual(c.command, ['dagster-webserver', '-w', 'workspace.yaml', '-h', '0.0.0.0', '-p', '3000', '--path-prefix', '/dagster/changes/42']);
    assert.equal(c.readinessProbe.httpGet.path, '/dagster/changes/42/server_info');
    const env = Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    assert.equal(env['DAGSTER_HOME'], '/opt/dagster/home');
    assert.equal(env['DAGSTER_CLOUD_IS_BRANCH_DEPLOYMENT'], '1');
    assert.equal(env['DAGSTER_CLOUD_DEPLOYMENT_NAME'], 'gerrit-change-42');
    assert.equal(env['DAGSTER_CLOUD_GIT_MESSAGE'], 'Fix it\n---\nkind: Secret\n$$(DAGSTER_HOME) {change}', 'a commit message stays one literal string');
    const s = fake.object('services', NS, NAME)!;
    assert.deepEqual(s['spec'].selector, { 'app.kubernetes.io/name': 'dagster-webserver', ...labels });

    // Not ready yet: the pod is pending. Make it Ready; the next look finds it.
    fake.setPods(NS, NAME, { kind: 'ready' });
    const { result } = await drive(clock, starting);
    assert.deepEqual(result, { status: 'fulfilled', value: { url: `http://${NAME}.${NS}.svc:3000`, handle: HANDLE } });
  });

  it('fails fast on CrashLoopBackOff with the reason and the last 50 log lines, and deletes what it created', async () => {
    const log = Array.from({ length: 80 }, (_, i) => `line ${i + 1}\n`).join('');
    fake.podsOnCreate = { kind: 'waiting', reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container', log, restartCount: 3 };
    const { result, sleeps } = await drive(clock, launcher.start(launchSpec()));
    assert.equal(sleeps, 0);
    assert.equal(result.status, 'rejected');
    launchError(/dagster-webserver of pod gerrit-change-42-ps3-.* is in CrashLoopBackOff \(back-off 10s/, /^line 31\n[^]*line 80\n$/)((result as PromiseRejectedResult).reason);
    assert.doesNotMatch((result as PromiseRejectedResult).reason.output, /line 30\n/);
    const logCall = fake.calls.find((c) => c.path.endsWith('/log'));
    assert.equal(logCall?.query['tailLines'], '50');
    assert.deepEqual(remaining(), { deployments: [], services: [] });
    assert.deepEqual(
      fake.calls.filter((c) => c.method === 'DELETE').map((c) => [c.path, (c.body as { propagationPolicy: string }).propagationPolicy]),
      [
        [`/api/v1/namespaces/${NS}/services/${NAME}`, 'Background'],
        [`/apis/apps/v1/namespaces/${NS}/deployments/${NAME}`, 'Background'],
      ],
    );
  });

  it('fails fast on ImagePullBackOff; a log that cannot be read is a note', async () => {
    fake.podsOnCreate = { kind: 'waiting', reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example.com/data-pipelines:change-42-ps3"' };
    const { result } = await drive(clock, launcher.start(launchSpec()));
    assert.equal(result.status, 'rejected');
    launchError(/ImagePullBackOff \(Back-off pulling image/, /not readable: .*waiting to start/)((result as PromiseRejectedResult).reason);
    assert.deepEqual(remaining(), { deployments: [], services: [] });
  });

  it('gives up after readyTimeoutMs with the pod state, and deletes what it created', async () => {
    const { result, sleeps } = await drive(clock, launcher.start(launchSpec({ readyTimeoutMs: 5000 })));
    assert.equal(result.status, 'rejected');
    launchError(/not ready within 5000 ms \(pod gerrit-change-42-ps3-\S+ Pending, not Ready\)/)((result as PromiseRejectedResult).reason);
    assert.equal(sleeps, 5, 'one look a second for five seconds of the clock');
    assert.deepEqual(remaining(), { deployments: [], services: [] });
  });

  it('stops when the start is cancelled, deleting what it created', async () => {
    const abort = new AbortController();
    const starting = launcher.start(launchSpec(), abort.signal);
    await eventually('the launcher to wait', () => clock.sleeping > 0);
    abort.abort();
    await assert.rejects(starting, launchError(/cancelled/));
    assert.deepEqual(remaining(), { deployments: [], services: [] });
  });

  it('stop deletes the Deployment and the Service (its pods go with it), and is idempotent; alive follows', async () => {
    fake.podsOnCreate = { kind: 'ready' };
    const started = await launcher.start(launchSpec());
    assert.equal(await launcher.alive(started.handle), true);
    await launcher.stop(started.handle);
    assert.deepEqual(remaining(), { deployments: [], services: [] });
    assert.deepEqual(fake.objects('pods', NS), []);
    assert.equal(await launcher.alive(started.handle), false);
    await launcher.stop(started.handle);
  });

  it('alive is false while no replica is available', async () => {
    const starting = launcher.start(launchSpec());
    await eventually('the launcher to wait', () => clock.sleeping > 0);
    assert.equal(await launcher.alive(HANDLE), false);
    fake.setPods(NS, NAME, { kind: 'ready' });
    assert.equal(await launcher.alive(HANDLE), true);
    await drive(clock, starting);
  });

  it('refuses a handle outside its namespace or with names that are not DNS labels', async () => {
    await assert.rejects(launcher.alive({ ...HANDLE, namespace: 'kube-system' }), TypeError);
    await assert.rejects(launcher.stop({ ...HANDLE, deployment: '../../secrets' }), TypeError);
    assert.equal(fake.calls.length, 0);
  });

  it('runs a new patch set beside the old one until the old is stopped', async () => {
    fake.podsOnCreate = { kind: 'ready' };
    const ps3 = await launcher.start(launchSpec({ patchset: 3 }));
    const ps4 = await launcher.start(launchSpec({ patchset: 4 }));
    assert.equal(ps4.url, `http://gerrit-change-42-ps4.${NS}.svc:3000`);
    assert.deepEqual(remaining(), { deployments: [NAME, 'gerrit-change-42-ps4'], services: [NAME, 'gerrit-change-42-ps4'] });
    await launcher.stop(ps3.handle);
    assert.deepEqual(remaining(), { deployments: ['gerrit-change-42-ps4'], services: ['gerrit-change-42-ps4'] });
    assert.equal(await launcher.alive(ps4.handle), true);
  });

  it('replaces its own objects left by an interrupted start, keeping the Service cluster IP', async () => {
    const first = launcher.start(launchSpec());
    await eventually('the launcher to wait', () => clock.sleeping > 0);
    const clusterIP = fake.object('services', NS, NAME)!['spec'].clusterIP;
    // A second launcher (Changegate after a restart) starts the same patch set again.
    const template = await loadTemplate(join(repoRoot(), 'deploy', 'branch-deployment.yaml'), NS);
    const second = new KubernetesLauncher({ api, template, clock, pollIntervalMs: 1000 }).start(launchSpec());
    await eventually('the second start to wait', () => clock.sleeping > 1);
    assert.deepEqual(
      fake.calls.filter((c) => c.method === 'PUT').map((c) => c.path),
      [`/apis/apps/v1/namespaces/${NS}/deployments/${NAME}`, `/api/v1/namespaces/${NS}/services/${NAME}`],
    );
    assert.equal(fake.object('services', NS, NAME)!['spec'].clusterIP, clusterIP);
    fake.setPods(NS, NAME, { kind: 'ready' });
    const { result } = await drive(clock, second);
    assert.deepEqual(result, { status: 'fulfilled', value: { url: `http://${NAME}.${NS}.svc:3000`, handle: HANDLE } });
    await drive(clock, first);
  });

  it('refuses to touch an object of the same name that is not its own, and deletes only what it made', async () => {
    await api.create(`/api/v1/namespaces/${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: NAME }, spec: { ports: [{ port: 80 }] } });
    await assert.rejects(launcher.start(launchSpec()), launchError(/Service gerrit-change-42-ps3 exists .* not this patch set's/));
    assert.deepEqual(remaining(), { deployments: [], services: [NAME] });
    assert.equal(fake.object('services', NS, NAME)!['spec'].ports[0].port, 80);
  });

  it('turns an API refusal into a LaunchError with the Status reason', async () => {
    const wrong = new KubeApi({ server: new URL(fake.url), token: { value: 'wrong' } });
    const template = await loadTemplate(join(repoRoot(), 'deploy', 'branch-deployment.yaml'), NS);
    await assert.rejects(new KubernetesLauncher({ api: wrong, template, clock }).start(launchSpec()), launchError(/401 Unauthorized/));
    await wrong.close();
  });
});
