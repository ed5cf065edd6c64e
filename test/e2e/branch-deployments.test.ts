// The loop the product exists for, end to end with real git, Debian's git-review, the Gerrit
// stand-in and the Dagster stand-in started as a webserver per patch set by the process launcher:
// `git review` a change through the proxy -> its branch deployment starts with Dagster+'s
// environment -> the link is posted on the change -> the owner launches a run there (tagged with
// the shadow suffix) while a viewer is refused -> a new patch set replaces the webserver -> the
// change merges through the proxy -> the deployment is torn down (410), cleanup ran with the
// environment, production's location was reloaded and the smoke job launched, each posted on the
// change and audited.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commitFile, createGitSandbox, type GitSandbox } from '../fakes/git.js';
import { startGerritBehindProxy, type GerritBehindProxy } from '../fakes/gerrit/behind-proxy.js';
import { startFakeDagster, type FakeDagster } from '../fakes/dagster/index.js';
import { eventually } from '../fakes/poll.js';
import { GIT_REVIEW, requireExecutable } from '../fakes/real-parts.js';
import { packageRoot } from '../../src/util/package-root.js';
import type { DeploymentRecord } from '../../src/deployments/registry.js';

const ROOT = packageRoot();
const WEBSERVER = path.join(ROOT, 'dist', 'test', 'fakes', 'dagster', 'webserver-main.js');
const SCHEMA = path.join(ROOT, 'test', 'fakes', 'dagster', 'schema.graphql');
const PROJECT = 'data-pipelines';
const WEBHOOK_SECRET = 'w'.repeat(40);

const LAUNCH = 'mutation Launch($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename ... on LaunchRunSuccess { run { runId } } } }';
const RUNS = '{ runsOrError { __typename ... on Runs { results { runId tags { key value } } } } }';

let dir = '';
let stand: GerritBehindProxy | undefined;
let production: FakeDagster | undefined;
let git: GitSandbox | undefined;
let bob = '';
let alice = '';
let dave = '';

/** The finance location's definitions: `invoices` is tier gold, owned by gus (the submit rule below). */
function sidecar(assets: readonly string[]): string {
  return JSON.stringify({ jobs: ['ledger_job', 'smoke_test'], assets: assets.map((a) => ({ key: ['finance', a], opVersion: 'v1', group: 'accounting', owners: a === 'invoices' ? ['gus@example.test'] : ['bob@example.test'], tags: a === 'invoices' ? { tier: 'gold' } : {} })) }, null, 1);
}

before(async () => {
  requireExecutable(GIT_REVIEW, 'git-review');
  dir = await mkdtemp(path.join(tmpdir(), 'changegate-branches-'));
  // The repository's policies, with change tracking's submit rule turned on.
  const policies = path.join(dir, 'policies');
  await cp(path.join(ROOT, 'policies'), policies, { recursive: true });
  await writeFile(path.join(policies, 'data.yaml'), 'gerrit:\n  impact:\n    require_known: true\n    owner_approval_tags: {tier: gold}\n');
  production = await startFakeDagster({ pathPrefix: '/dagster', definitions: [{ name: 'finance', jobs: ['ledger_job', 'smoke_test'], assets: [{ key: ['finance', 'ledger'] }] }] });
  const prod = production;
  stand = await startGerritBehindProxy({
    projects: [PROJECT],
    serviceAccount: true,
    webhooks: { secret: WEBHOOK_SECRET },
    extend: (config) => ({
      ...config,
      policy: { path: policies, watch: false },
      upstreams: { ...(config['upstreams'] as object), dagster: { url: `http://127.0.0.1:${prod.port}`, pathPrefix: '/dagster', timeoutMs: 30_000, graphqlSchema: SCHEMA } },
      deployments: {
        projects: ['data-*'],
        pathPrefix: '/dagster/changes/{change}',
        launcher: {
          kind: 'process',
          command: [process.execPath, WEBSERVER, '-w', 'workspace.yaml', '-h', '127.0.0.1', '-p', '{port}', '--path-prefix', '{pathPrefix}'],
          workdir: path.join(dir, 'checkouts'),
          env: { DAGSTER_HOME: '{checkout}/.dagster', CLEANUP_OUT: path.join(dir, 'cleanup-{change}.json') },
          readyTimeoutSeconds: 60,
        },
        cleanup: { command: [process.execPath, '-e', 'require("fs").writeFileSync(process.env.CLEANUP_OUT, JSON.stringify({ cwd: process.cwd(), env: process.env }))'] },
        // Only events and pushes drive this test; the reconcile test calls reconcile() itself.
        reconcileSeconds: 86_400,
      },
      deployOnMerge: [{ project: PROJECT, branch: 'master', locations: ['finance'], launch: [{ location: 'finance', job: 'smoke_test' }] }],
    }),
  });
  const s = stand;
  s.gerrit.setWebhookUrl(`${s.adminBase}/gerrit/webhooks?secret=${WEBHOOK_SECRET}`);
  bob = (await s.mint('bob')).token;
  alice = (await s.mint('alice')).token;
  dave = (await s.mint('dave')).token;
  git = await createGitSandbox();
  const port = new URL(s.base).port;
  const store = path.join(git.home, '.git-credentials');
  await writeFile(store, `http://bob:${bob}@127.0.0.1:${port}\n`, { mode: 0o600 });
  await git.ok(['config', '--global', 'credential.helper', `store --file=${store}`]);
  await git.ok(['config', '--global', 'gitreview.username', 'bob']);
  // The project's code: a workspace with one location, pushed by an admin without review.
  const seed = git.dir('seed');
  await git.ok(['clone', '-q', `http://alice:${alice}@127.0.0.1:${port}/${PROJECT}`, seed]);
  await writeFile(path.join(seed, 'workspace.yaml'), 'load_from:\n  - python_file:\n      relative_path: finance/definitions.py\n      location_name: finance\n');
  await git.ok(['add', 'workspace.yaml'], { cwd: seed });
  await commitFile(git, seed, 'finance/definitions.json', sidecar(['ledger']), 'The finance code location');
  await commitFile(git, seed, '.gitreview', `[gerrit]\nhost=127.0.0.1\nport=${port}\nproject=${PROJECT}\nscheme=http\ndefaultbranch=master\n`, 'Add .gitreview');
  await git.ok(['push', '-q', 'origin', 'HEAD:refs/heads/master'], { cwd: seed });
});

after(async () => {
  await git?.dispose();
  await stand?.close();
  await production?.close();
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

function basic(user: string, token: string): string {
  return `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
}

async function graphql(base: string, prefix: string, auth: string, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${prefix}/graphql`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function ready(s: GerritBehindProxy, change: number, patchset: number): Promise<DeploymentRecord> {
  const controller = s.proxy.deployments.controller;
  assert.ok(controller !== undefined, 'the deployments controller runs');
  return eventually(
    `change ${change} patch set ${patchset} deployed`,
    () => {
      const r = controller.get(change);
      if (r?.state.status === 'failed') throw new assert.AssertionError({ message: `deployment failed: ${r.state.error}\n${r.state.output}` });
      return r?.state.status === 'ready' && r.state.serving.patchset === patchset ? r : undefined;
    },
    { timeoutMs: 90_000 },
  ).catch((e: unknown) => {
    throw new assert.AssertionError({ message: `${e instanceof Error ? e.message : String(e)}; the record: ${JSON.stringify(controller.get(change), null, 1)}` });
  });
}

test('a change gets a branch deployment, is replaced per patch set, and is torn down and deployed on merge', { timeout: 300_000 }, async () => {
  assert.ok(stand !== undefined && git !== undefined && production !== undefined);
  const s = stand;
  const g = git;
  const work = g.dir('work');
  await g.ok(['clone', '-q', `${s.base}/${PROJECT}`, work]);
  const setup = await g.run(GIT_REVIEW, ['-s'], { cwd: work, timeoutMs: 60_000 });
  assert.equal(setup.code, 0, `git review -s:\n${setup.stdout}\n${setup.stderr}`);
  await g.ok(['checkout', '-q', '-b', 'add-invoices'], { cwd: work });
  await commitFile(g, work, 'finance/definitions.json', sidecar(['ledger', 'invoices']), 'Add the invoices asset');
  const review = await g.run(GIT_REVIEW, ['-y'], { cwd: work, timeoutMs: 60_000 });
  assert.equal(review.code, 0, `git review:\n${review.stdout}\n${review.stderr}`);
  const number = Number(new RegExp(`/c/${PROJECT}/\\+/(\\d+) Add the invoices asset`).exec(review.stdout + review.stderr)?.[1]);
  assert.ok(number > 0, review.stdout + review.stderr);
  const change = s.gerrit.changes.get(number);
  assert.ok(change !== undefined);

  // The push through the proxy started the deployment.
  const first = await ready(s, number, 1);
  const prefix = `/dagster/changes/${number}`;
  assert.equal(first.pathPrefix, prefix);
  const checkout = path.join(dir, 'checkouts', String(number), '1');
  const hooked = JSON.parse(await readFile(path.join(checkout, '.fake-dagster', 'env.json'), 'utf8')) as { env: Record<string, string>; argv: string[] };
  const sha1 = change.patchSets[0]!.sha;
  assert.deepEqual(
    Object.fromEntries(Object.entries(hooked.env).filter(([k]) => !k.startsWith('DAGSTER_CLOUD_GIT_TIMESTAMP') && k !== 'DAGSTER_CLOUD_GIT_MESSAGE')),
    {
      DAGSTER_CLOUD_IS_BRANCH_DEPLOYMENT: '1',
      DAGSTER_CLOUD_DEPLOYMENT_NAME: `gerrit-change-${number}`,
      DAGSTER_CLOUD_PULL_REQUEST_ID: String(number),
      DAGSTER_CLOUD_PULL_REQUEST_STATUS: 'OPEN',
      DAGSTER_CLOUD_GIT_SHA: sha1,
      DAGSTER_CLOUD_GIT_AUTHOR_EMAIL: hooked.env['DAGSTER_CLOUD_GIT_AUTHOR_EMAIL'],
      DAGSTER_CLOUD_GIT_AUTHOR_NAME: hooked.env['DAGSTER_CLOUD_GIT_AUTHOR_NAME'],
      DAGSTER_CLOUD_GIT_BRANCH: 'master',
      DAGSTER_CLOUD_GIT_REPO: PROJECT,
      CHANGEGATE_SHADOW_SUFFIX: `_dagster_pr_${number}`,
      CHANGEGATE_GERRIT_PROJECT: PROJECT,
      CHANGEGATE_GERRIT_CHANGE_ID: change.changeId,
      CHANGEGATE_GERRIT_PATCHSET: '1',
      CHANGEGATE_DEPLOYMENT_URL: `http://127.0.0.1:8080${prefix}/`,
    },
  );
  assert.ok((hooked.env['DAGSTER_CLOUD_GIT_AUTHOR_EMAIL'] ?? '') !== '', 'the author comes from the commit');
  assert.match(hooked.env['DAGSTER_CLOUD_GIT_MESSAGE'] ?? '', /^Add the invoices asset/);
  assert.match(hooked.env['DAGSTER_CLOUD_GIT_TIMESTAMP'] ?? '', /^\d{10}$/);
  assert.ok(hooked.argv.includes(prefix), 'the webserver serves at the deployment prefix');

  // The link is on the change, tagged so Gerrit can hide bot messages.
  const posted = await eventually('the ready message', () => change.messages.find((m) => m.tag === 'autogenerated:changegate:deployment' && m.message.includes('ready for patch set 1')));
  assert.match(posted.message, new RegExp(`http://127\\.0\\.0\\.1:8080${prefix}/`));
  assert.match(posted.message, /finance: loaded/);

  // The owner launches there; the run carries the change and the shadow suffix.
  const launch = await graphql(s.base, prefix, basic('bob', bob), LAUNCH, { p: { selector: { repositoryLocationName: 'finance', repositoryName: '__repository__', jobName: 'ledger_job' } } });
  assert.equal(launch.status, 200, JSON.stringify(launch.json));
  const runs = await graphql(s.base, prefix, basic('bob', bob), RUNS);
  const tags = Object.fromEntries(((runs.json['data'] as { runsOrError: { results: { tags: { key: string; value: string }[] }[] } }).runsOrError.results[0]?.tags ?? []).map((t) => [t.key, t.value]));
  assert.equal(tags['gerrit/change-number'], String(number));
  assert.equal(tags['gerrit/patchset'], '1');
  assert.equal(tags['changegate/shadow-suffix'], `_dagster_pr_${number}`);
  assert.equal(tags['changegate/deployment'], `gerrit-change-${number}`);
  // A viewer may look but not launch.
  const refused = await graphql(s.base, prefix, basic('dave', dave), LAUNCH, { p: { selector: { repositoryLocationName: 'finance', repositoryName: '__repository__', jobName: 'ledger_job' } } });
  assert.equal(refused.status, 403, JSON.stringify(refused.json));
  assert.equal((await graphql(s.base, prefix, basic('dave', dave), RUNS)).status, 200);

  // The deployments page lists it for people who may see it.
  const api = await fetch(`${s.base}/.changegate/api/deployments`, { headers: { authorization: basic('dave', dave) } });
  assert.equal(api.status, 200);
  const listed = ((await api.json()) as { deployments: { change: number; status: string; patchset: number; link: string }[] }).deployments.find((d) => d.change === number);
  assert.deepEqual({ status: listed?.status, patchset: listed?.patchset, link: listed?.link }, { status: 'ready', patchset: 1, link: `http://127.0.0.1:8080${prefix}/` });

  // Change tracking: the branch's asset graph against production's, on the change, the page and the UI.
  const tracked = await eventually('the asset changes posted', () => change.messages.find((m) => m.tag === 'autogenerated:changegate:changes'));
  assert.match(tracked.message, /finance\/invoices/);
  assert.match(tracked.message, /NEW|new/);
  const assets = await fetch(`${s.base}/.changegate/api/changes/${number}/assets`, { headers: { authorization: basic('dave', dave) } });
  assert.equal(assets.status, 200);
  const impact = (await assets.json()) as { status: string; impact: { assets: { key: string[]; reasons: string[] }[] } };
  assert.equal(impact.status, 'current');
  assert.deepEqual(impact.impact.assets.find((a) => a.key.join('/') === 'finance/invoices')?.reasons, ['NEW']);
  const marks = await graphql(s.base, prefix, basic('dave', dave), '{ nodes: assetNodes { assetKey { path } why: changedReasons } }');
  const invoices = (marks.json['data'] as { nodes: { assetKey: { path: string[] }; why: string[] }[] }).nodes.find((n) => n.assetKey.path.join('/') === 'finance/invoices');
  assert.deepEqual(invoices?.why, ['NEW'], 'the branch UI sees the marks');
  const prodMarks = await graphql(s.base, '/dagster', basic('dave', dave), '{ assetNodes { changedReasons } }');
  assert.ok((prodMarks.json['data'] as { assetNodes: { changedReasons: string[] }[] }).assetNodes.every((n) => n.changedReasons.length === 0), 'production is left alone');

  // A new patch set replaces the webserver once the new one answers.
  await writeFile(path.join(work, 'finance', 'definitions.json'), sidecar(['ledger', 'invoices', 'payments']));
  await g.ok(['commit', '-q', '-a', '--amend', '--no-edit'], { cwd: work });
  const again = await g.run(GIT_REVIEW, ['-y'], { cwd: work, timeoutMs: 60_000 });
  assert.equal(again.code, 0, `git review (patch set 2):\n${again.stdout}\n${again.stderr}`);
  const second = await ready(s, number, 2);
  assert.notEqual(second.state.status === 'ready' ? second.state.serving.url : '', first.state.status === 'ready' ? first.state.serving.url : '');
  const served = await graphql(s.base, prefix, basic('bob', bob), '{ assetNodes { assetKey { path } } }');
  assert.deepEqual(((served.json['data'] as { assetNodes: { assetKey: { path: string[] } }[] }).assetNodes.map((n) => n.assetKey.path.join('/'))).sort(), ['finance/invoices', 'finance/ledger', 'finance/payments']);
  const firstPid = first.state.status === 'ready' ? Number(first.state.serving.handle['pid']) : 0;
  await eventually('the first webserver stopped', () => !processAlive(firstPid));

  // Merge through the proxy: alice approves, but the gold asset's owner must approve too.
  await eventually('the impact of patch set 2', () => {
    const r = s.proxy.deployments.tracking!.result(number);
    return r !== undefined && r.stale === undefined && r.impact.computedFor.patchset === 2 ? r : undefined;
  });
  const vote = await fetch(`${s.base}/a/changes/${number}/revisions/current/review`, { method: 'POST', headers: { authorization: basic('alice', alice), 'content-type': 'application/json' }, body: JSON.stringify({ labels: { 'Code-Review': 2 } }) });
  assert.equal(vote.status, 200, await vote.text());
  const early = await fetch(`${s.base}/a/changes/${number}/submit`, { method: 'POST', headers: { authorization: basic('alice', alice), 'content-type': 'application/json' }, body: '{}' });
  const earlyBody = await early.text();
  assert.equal(early.status, 403, earlyBody);
  assert.match(earlyBody, /gerrit_submit_needs_asset_owner_approval/);
  const gus = (await s.mint('gus')).token;
  const owner = await fetch(`${s.base}/a/changes/${number}/revisions/current/review`, { method: 'POST', headers: { authorization: basic('gus', gus), 'content-type': 'application/json' }, body: JSON.stringify({ labels: { 'Code-Review': 2 } }) });
  assert.equal(owner.status, 200, await owner.text());
  const submit = await fetch(`${s.base}/a/changes/${number}/submit`, { method: 'POST', headers: { authorization: basic('alice', alice), 'content-type': 'application/json' }, body: '{}' });
  assert.equal(submit.status, 200, await submit.text());

  const controller = s.proxy.deployments.controller!;
  await eventually('the deployment closed and cleaned', () => {
    const r = controller.get(number);
    return r?.state.status === 'closed' && r.state.cleanup !== undefined ? r : undefined;
  }, { timeoutMs: 60_000 });
  await controller.settled();
  const secondPid = second.state.status === 'ready' ? Number(second.state.serving.handle['pid']) : 0;
  assert.ok(!processAlive(secondPid), 'the webserver was stopped');
  const gone = await graphql(s.base, prefix, basic('bob', bob), RUNS);
  assert.equal(gone.status, 410, JSON.stringify(gone.json));
  assert.equal(gone.json['error'], 'gone');
  const cleanup = JSON.parse(await readFile(path.join(dir, `cleanup-${number}.json`), 'utf8')) as { env: Record<string, string> };
  assert.equal(cleanup.env['DAGSTER_CLOUD_PULL_REQUEST_STATUS'], 'MERGED');
  assert.equal(cleanup.env['CHANGEGATE_SHADOW_SUFFIX'], `_dagster_pr_${number}`);
  assert.ok(!existsSync(path.join(dir, 'checkouts', String(number))), 'the checkouts are removed');

  // Deploy on merge: production reloaded the location and ran the smoke job, tagged with the change.
  await s.proxy.deployments.deployOnMerge!.settled();
  const smoke = [...production.model.runs.values()].find((r) => r.job.name === 'smoke_test');
  assert.ok(smoke !== undefined, 'the smoke job ran in production');
  const smokeTags = Object.fromEntries(smoke.tags.map((t) => [t.key, t.value]));
  assert.equal(smokeTags['gerrit/change-number'], String(number));
  assert.equal(smokeTags['changegate/via'], 'deploy-on-merge');
  assert.ok(production.recorder.operations.some((o) => o.rootFields.includes('reloadRepositoryLocation')), 'production reloaded the location');

  const texts = await eventually('the teardown and deploy messages', () => {
    const tagged = change.messages.filter((m) => m.tag?.startsWith('autogenerated:changegate:') === true).map((m) => m.message);
    return tagged.some((t) => t.includes('torn down')) && tagged.some((t) => t.includes('Deployed to production')) ? tagged : undefined;
  });
  assert.ok(texts.some((t) => t.includes('Cleanup ran and succeeded')));
  assert.ok(texts.some((t) => /reloaded finance: loaded/.test(t) && /launched smoke_test in finance: run /.test(t)));

  // Every step is in the audit log with the change.
  const records = await s.audit();
  const steps = records.filter((r) => (r['change'] as { number?: number } | undefined)?.number === number).map((r) => r['action']);
  for (const step of ['deployment.created', 'deployment.ready', 'deployment.replaced', 'deployment.closed', 'deployment.cleaned', 'dagster.location.reload', 'dagster.run.launch']) {
    assert.ok(steps.includes(step), `audited: ${step} (have ${[...new Set(steps)].join(', ')})`);
  }
});

function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    // A zombie (PID 1 here reaps nobody) is gone for our purposes.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
