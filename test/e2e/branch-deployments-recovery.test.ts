// The branch-deployment loop when things go wrong: a change Gerrit never told us about (a dropped
// webhook) is found by the reconcile loop; a restarted Changegate adopts the webservers still
// running from its registry instead of orphaning or restarting them; a launcher that fails or
// hangs ends in a failed state with its output, said on the change and by the placeholder (503).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGitSandbox, type GitSandbox } from '../fakes/git.js';
import { startGerritBehindProxy, type GerritBehindProxy } from '../fakes/gerrit/behind-proxy.js';
import { startFakeDagster, type FakeDagster } from '../fakes/dagster/index.js';
import { eventually } from '../fakes/poll.js';
import { packageRoot } from '../../src/util/package-root.js';
import { createLogger } from '../../src/observability/logger.js';
import { startChangegate } from '../../src/main/server.js';

const ROOT = packageRoot();
const WEBSERVER = path.join(ROOT, 'dist', 'test', 'fakes', 'dagster', 'webserver-main.js');
const SCHEMA = path.join(ROOT, 'test', 'fakes', 'dagster', 'schema.graphql');
const PROJECT = 'data-pipelines';
const SIDECAR = JSON.stringify({ jobs: ['ledger_job'], assets: [{ key: ['finance', 'ledger'] }] });

interface Stand {
  readonly s: GerritBehindProxy;
  readonly production: FakeDagster;
  readonly git: GitSandbox;
  readonly dir: string;
  close(): Promise<void>;
}

/** Gerrit + production Dagster + Changegate with `deployments`, and no webhooks: Gerrit tells us nothing. */
async function stand(command: readonly string[], readyTimeoutSeconds = 60): Promise<Stand> {
  const dir = await mkdtemp(path.join(tmpdir(), 'changegate-recovery-'));
  const production = await startFakeDagster({ pathPrefix: '/dagster', definitions: [{ name: 'finance', jobs: ['ledger_job'] }] });
  const s = await startGerritBehindProxy({
    projects: [PROJECT],
    serviceAccount: true,
    extend: (config) => ({
      ...config,
      upstreams: { ...(config['upstreams'] as object), dagster: { url: `http://127.0.0.1:${production.port}`, pathPrefix: '/dagster', timeoutMs: 30_000, graphqlSchema: SCHEMA } },
      deployments: {
        projects: [PROJECT],
        launcher: { kind: 'process', command, workdir: path.join(dir, 'checkouts'), readyTimeoutSeconds },
        reconcileSeconds: 86_400,
      },
    }),
  });
  const git = await createGitSandbox();
  return {
    s,
    production,
    git,
    dir,
    close: async () => {
      await git.dispose();
      await s.close();
      await production.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A change pushed straight to Gerrit as bob (not through the proxy, and with no webhook): resolves to its number. */
async function changeBehindOurBack(st: Stand): Promise<number> {
  const work = st.git.dir(`w${randomBytes(3).toString('hex')}`);
  const asBob = ['-c', 'http.extraHeader=X-Forwarded-User: bob'];
  await st.git.ok([...asBob, 'clone', '-q', `${st.s.gerrit.url}/${PROJECT}`, work]);
  await writeFile(path.join(work, 'workspace.yaml'), 'load_from:\n  - python_file:\n      relative_path: finance/definitions.py\n      location_name: finance\n');
  await writeFile(path.join(work, 'finance', 'definitions.json'), SIDECAR).catch(async () => {
    await mkdir(path.join(work, 'finance'));
    await writeFile(path.join(work, 'finance', 'definitions.json'), SIDECAR);
  });
  await st.git.ok(['add', 'workspace.yaml', 'finance/definitions.json'], { cwd: work });
  await st.git.ok(['-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', `A workspace\n\nChange-Id: I${randomBytes(20).toString('hex')}`], { cwd: work });
  const before = new Set(st.s.gerrit.changes.keys());
  await st.git.ok([...asBob, 'push', '-q', 'origin', 'HEAD:refs/for/master'], { cwd: work });
  const created = [...st.s.gerrit.changes.keys()].find((n) => !before.has(n));
  assert.ok(created !== undefined, 'Gerrit created the change');
  return created;
}

describe('a dropped webhook and a restart', () => {
  let st: Stand | undefined;
  before(async () => {
    st = await stand([process.execPath, WEBSERVER, '-w', 'workspace.yaml', '-h', '127.0.0.1', '-p', '{port}', '--path-prefix', '{pathPrefix}']);
  });
  after(async () => st?.close());

  test('the reconcile loop deploys a change nobody told us about, and a restarted proxy adopts its webserver', { timeout: 180_000 }, async () => {
    assert.ok(st !== undefined);
    const { s } = st;
    const number = await changeBehindOurBack(st);
    const controller = s.proxy.deployments.controller!;
    assert.equal(controller.get(number), undefined, 'no event, no push through us: nothing yet');
    await controller.reconcile();
    const ready = await eventually('deployed by the reconcile loop', () => {
      const r = controller.get(number);
      return r?.state.status === 'ready' ? r.state.serving : undefined;
    }, { timeoutMs: 90_000 });

    // Restart Changegate on the same state directory: the webserver keeps running and is adopted.
    const { token } = await s.mint('bob');
    await s.proxy.close();
    const again = await startChangegate(s.config, { logger: createLogger({ level: 'silent' }) });
    try {
      const adopted = again.deployments.controller!;
      await adopted.settled();
      const record = adopted.get(number);
      assert.equal(record?.state.status, 'ready');
      assert.equal(record?.state.status === 'ready' ? record.state.serving.handle['pid'] : undefined, ready.handle['pid'], 'the same webserver, not a new one');
      const res = await fetch(`http://127.0.0.1:${again.ingress.port}/dagster/changes/${number}/graphql`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`bob:${token}`).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ workspaceOrError { __typename } }' }),
      });
      assert.equal(res.status, 200, await res.text());
      const records = await s.audit();
      assert.ok(records.some((r) => r['action'] === 'deployment.adopted' && (r['change'] as { number?: number } | undefined)?.number === number), 'the adoption is audited');
    } finally {
      // Abandon the change so the webserver is stopped before the stand goes.
      again.deployments.controller!.signal({ kind: 'closed', change: number, reason: 'CLOSED' });
      await again.deployments.controller!.settled();
      await again.close();
    }
  });
});

describe('a launcher that fails or hangs', () => {
  for (const [name, command, timeout, expected] of [
    ['exits with an error', [process.execPath, '-e', 'console.error("ModuleNotFoundError: No module named pandas"); process.exit(3)'], 60, /ModuleNotFoundError/],
    ['never answers', [process.execPath, '-e', 'console.log("starting slowly"); setInterval(() => {}, 1000)'], 1, /starting slowly/],
  ] as const) {
    test(`a webserver that ${name} leaves a failed deployment with its output`, { timeout: 120_000 }, async () => {
      const st = await stand(command, timeout);
      try {
        const { s } = st;
        const number = await changeBehindOurBack(st);
        const controller = s.proxy.deployments.controller!;
        await controller.reconcile();
        const failed = await eventually('the deployment failed', () => {
          const r = controller.get(number);
          return r?.state.status === 'failed' ? r.state : undefined;
        }, { timeoutMs: 60_000 });
        assert.match(failed.output, expected, 'the launcher output is kept');
        const { token } = await s.mint('bob');
        const res = await fetch(`${s.base}/dagster/changes/${number}/graphql`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`bob:${token}`).toString('base64')}`, 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
        assert.equal(res.status, 503);
        const body = (await res.json()) as { error: string; reason: string };
        assert.equal(body.error, 'deployment_unavailable');
        assert.match(body.reason, /failed to start/);
        // Nothing reached production Dagster for this path.
        assert.ok(!st.production.recorder.requests.some((r) => r.url.includes('/changes/')));
        const change = s.gerrit.changes.get(number)!;
        const message = await eventually('the failure is posted on the change', () => change.messages.find((m) => m.tag === 'autogenerated:changegate:deployment'));
        assert.match(message.message, /failed/);
        assert.match(message.message, expected);
      } finally {
        await st.close();
      }
    });
  }
});
