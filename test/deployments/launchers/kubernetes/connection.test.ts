import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openKubernetesLauncher } from '../../../../src/deployments/launchers/kubernetes/index.js';
import { resolveConnection } from '../../../../src/deployments/launchers/kubernetes/connection.js';
import { startFakeKubernetes } from '../../../fakes/kubernetes/server.js';
import { launchSpec, repoRoot } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'changegate-kube-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, user: Record<string, unknown>, server = 'https://k8s.example.com:6443'): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'ctx',
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      clusters: [{ name: 'c', cluster: { server, 'certificate-authority-data': Buffer.from('-----BEGIN CERTIFICATE-----\nCA\n').toString('base64') } }],
      users: [{ name: 'u', user }],
    }),
  );
  return file;
}

const noServiceAccount = join(dir, 'no-sa');

describe('kubernetes connection', () => {
  it('reads the current context of a kubeconfig: server, CA, token', async () => {
    const file = kubeconfig('token.yaml', { token: 'abc' });
    const c = await resolveConnection({ env: { KUBECONFIG: file }, home: dir, serviceAccountDir: noServiceAccount });
    assert.equal(c.server.href, 'https://k8s.example.com:6443/');
    assert.deepEqual(c.token, { value: 'abc' });
    assert.equal(c.ca, '-----BEGIN CERTIFICATE-----\nCA\n');
    assert.equal(c.insecureSkipTlsVerify, false);
  });

  it('falls back to ~/.kube/config', async () => {
    mkdirSync(join(dir, 'home', '.kube'), { recursive: true });
    writeFileSync(join(dir, 'home', '.kube', 'config'), 'current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:8001"}}]\n');
    const c = await resolveConnection({ env: {}, home: join(dir, 'home'), serviceAccountDir: noServiceAccount });
    assert.equal(c.server.origin, 'http://127.0.0.1:8001');
    assert.equal(c.token, undefined);
  });

  it('refuses auth plugins it would have to run, saying what to do instead', async () => {
    const file = kubeconfig('exec.yaml', { exec: { command: 'aws', args: ['eks', 'get-token'] } });
    await assert.rejects(resolveConnection({ env: { KUBECONFIG: file }, home: dir, serviceAccountDir: noServiceAccount }), /authenticates with exec.*give it a token/);
  });

  it('uses the service account in the cluster, and with apiUrl', async () => {
    const sa = join(dir, 'sa');
    mkdirSync(sa);
    writeFileSync(join(sa, 'token'), 'sa-token\n');
    writeFileSync(join(sa, 'ca.crt'), 'CA PEM');
    const inCluster = await resolveConnection({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, home: dir, serviceAccountDir: sa });
    assert.equal(inCluster.server.origin, 'https://10.96.0.1');
    assert.deepEqual(inCluster.token, { file: join(sa, 'token') });
    assert.equal(inCluster.ca, 'CA PEM');
    const v6 = await resolveConnection({ env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' }, home: dir, serviceAccountDir: sa });
    assert.equal(v6.server.host, '[fd00::1]:6443');
    const explicit = await resolveConnection({ apiUrl: 'https://api.example.com', env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, home: dir, serviceAccountDir: sa });
    assert.equal(explicit.server.origin, 'https://api.example.com');
    assert.deepEqual(explicit.token, { file: join(sa, 'token') });
    await assert.rejects(resolveConnection({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, home: dir, serviceAccountDir: noServiceAccount }), /token is missing/);
  });

  it('opens a launcher from the config that talks to the API server its kubeconfig names', async () => {
    const fake = await startFakeKubernetes();
    try {
      fake.podsOnCreate = { kind: 'ready' };
      const file = kubeconfig('fake.yaml', { token: fake.token }, fake.url);
      const launcher = await openKubernetesLauncher(
        {
          projects: ['data-pipelines'],
          pathPrefix: '/dagster/changes/{change}',
          launcher: { kind: 'kubernetes', command: ['x'], workdir: 'var/deployments', env: {}, readyTimeoutSeconds: 180 },
          kubernetes: { namespace: 'dagster-branches', template: 'deploy/branch-deployment.yaml' },
          maxConcurrent: 10,
          reconcileSeconds: 300,
        } as Parameters<typeof openKubernetesLauncher>[0],
        { baseDir: repoRoot(), env: { KUBECONFIG: file }, home: dir },
      );
      const started = await launcher.start(launchSpec());
      assert.equal(started.url, 'http://gerrit-change-42-ps3.dagster-branches.svc:3000');
      await launcher.stop(started.handle);
      await launcher.close();
      assert.deepEqual(fake.objects('deployments', 'dagster-branches'), []);
    } finally {
      await fake.close();
    }
  });
});
