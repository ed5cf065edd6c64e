import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../poll.js';
import type { EnvHookRecord } from './env-hook.js';
import { writeSidecar, writeWorkspace } from './workspace-write.js';

const ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'webserver-main.js');
const PREFIX = '/dagster/changes/42';

interface Started {
  readonly child: ChildProcess;
  readonly base: string;
  readonly stderr: () => string;
}

function run(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; stderr: () => string; stdout: () => string } {
  const child = spawn(process.execPath, [ENTRY, ...args], { cwd, env: { PATH: process.env['PATH'], ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString('utf8')));
  child.stdout?.on('data', (b: Buffer) => (out += b.toString('utf8')));
  return { child, stderr: () => err, stdout: () => out };
}

async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** Starts the entry on a free port (-p 0) and waits, with a bound, until server_info answers. */
async function startWebserver(cwd: string, env: NodeJS.ProcessEnv = {}, extra: readonly string[] = []): Promise<Started> {
  const { child, stderr } = run(cwd, ['-w', 'workspace.yaml', '-h', '127.0.0.1', '-p', '0', '--path-prefix', PREFIX, ...extra], env);
  const port = await eventually('the serving line', () => {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr()}`);
    return /Serving dagster-webserver on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr())?.[1];
  });
  const base = `http://127.0.0.1:${port}${PREFIX}`;
  await eventually('server_info', async () => (await fetch(`${base}/server_info`)).ok);
  return { child, base, stderr };
}

async function gql(base: string, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown };
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.ok(body.data);
  return body.data;
}

const WORKSPACE = `
fragment Entry on WorkspaceLocationEntry {
  name
  loadStatus
  locationOrLoadError { __typename ... on RepositoryLocation { name repositories { name jobs { name } } } ... on PythonError { message } }
}
query Workspace {
  ws: workspaceOrError { __typename ... on Workspace { locationEntries { ...Entry } } }
}`;

const ASSETS = `query Assets {
  nodes: assetNodes {
    assetKey { path } opVersion dependencyKeys { path } dependedByKeys { path }
    tags { key value } metadataEntries { __typename label ... on TextMetadataEntry { text } }
    partitionDefinition { type description name } isPartitioned groupName
    owners { __typename ... on UserAssetOwner { email } ... on TeamAssetOwner { team } }
    kinds description changedReasons repository { name location { name } }
  }
}`;

const RELOAD = `mutation Reload($name: String!) {
  reloadRepositoryLocation(repositoryLocationName: $name) {
    __typename ... on WorkspaceLocationEntry { name locationOrLoadError { __typename ... on PythonError { message } } }
  }
}`;

const LEDGER = { key: ['finance', 'ledger'], opVersion: 'v1', tags: { tier: 'gold' }, metadata: { owner_note: 'audited' }, partitions: { type: 'TIME_WINDOW', description: 'Daily, starting 2024-01-01 UTC.' }, group: 'accounting', owners: ['ann@example.test', 'team:finance'], kinds: ['python', 'snowflake'], description: 'The general ledger.' } as const;
const REPORT = { key: ['finance', 'report'], opVersion: 'v1', deps: [['finance', 'ledger']] };

let checkout: string;
let dagsterHome: string;
let server: Started;

before(async () => {
  checkout = mkdtempSync(join(tmpdir(), 'fake-dagster-checkout-'));
  dagsterHome = join(checkout, 'home', 'dagster');
  writeWorkspace(checkout, [
    { name: 'finance', jobs: ['ledger_job'], assets: [LEDGER, REPORT] },
    { name: 'broken', loadError: "ModuleNotFoundError: No module named 'pandas'" },
  ]);
  // A location whose sidecar is missing, named by module.
  writeFileSync(join(checkout, 'workspace.yaml'), `${readFileSync(join(checkout, 'workspace.yaml'), 'utf8')}  - python_module:\n      module_name: ops.defs\n      location_name: ops\n`);
  server = await startWebserver(checkout, {
    DAGSTER_HOME: dagsterHome,
    DAGSTER_CLOUD_DEPLOYMENT_NAME: 'change-42',
    CHANGEGATE_CHANGE: '42',
    UNRELATED_SECRET: 'not for the hook',
  });
});

after(async () => {
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
  rmSync(checkout, { recursive: true, force: true });
});

describe('dagster-webserver stand-in (spawned)', () => {
  test('serves server_info and GraphQL under the path prefix only', async () => {
    const info = (await (await fetch(`${server.base}/server_info`)).json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(info).sort(), ['dagster_graphql_version', 'dagster_version', 'dagster_webserver_version']);
    const origin = new URL(server.base).origin;
    assert.equal((await fetch(`${origin}/graphql`, { method: 'POST' })).status, 404);
    assert.equal((await fetch(`${origin}/dagster/server_info`)).status, 404);
  });

  test('the workspace shows the loaded location, the failed one, and the one whose sidecar is missing', async () => {
    const data = await gql(server.base, WORKSPACE);
    const entries = (data['ws'] as { locationEntries: Record<string, unknown>[] }).locationEntries;
    assert.deepEqual(entries.map((e) => [e['name'], e['loadStatus']]), [['finance', 'LOADED'], ['broken', 'LOADED'], ['ops', 'LOADED']]);
    assert.deepEqual(entries[0]?.['locationOrLoadError'], { __typename: 'RepositoryLocation', name: 'finance', repositories: [{ name: '__repository__', jobs: [{ name: 'ledger_job' }] }] });
    assert.deepEqual(entries[1]?.['locationOrLoadError'], { __typename: 'PythonError', message: "ModuleNotFoundError: No module named 'pandas'" });
    const missing = entries[2]?.['locationOrLoadError'] as { __typename: string; message: string };
    assert.equal(missing.__typename, 'PythonError');
    assert.ok(missing.message.includes(join(checkout, 'ops', 'defs.json')), missing.message);
  });

  test('assetNodes reports the sidecar definitions in the schema shape', async () => {
    const nodes = (await gql(server.base, ASSETS))['nodes'] as Record<string, unknown>[];
    assert.deepEqual(nodes[0], {
      assetKey: { path: ['finance', 'ledger'] }, opVersion: 'v1', dependencyKeys: [], dependedByKeys: [{ path: ['finance', 'report'] }],
      tags: [{ key: 'tier', value: 'gold' }], metadataEntries: [{ __typename: 'TextMetadataEntry', label: 'owner_note', text: 'audited' }],
      partitionDefinition: { type: 'TIME_WINDOW', description: 'Daily, starting 2024-01-01 UTC.', name: null }, isPartitioned: true, groupName: 'accounting',
      owners: [{ __typename: 'UserAssetOwner', email: 'ann@example.test' }, { __typename: 'TeamAssetOwner', team: 'finance' }],
      kinds: ['python', 'snowflake'], description: 'The general ledger.', changedReasons: [], repository: { name: '__repository__', location: { name: 'finance' } },
    });
    assert.deepEqual(nodes[1]?.['dependencyKeys'], [{ path: ['finance', 'ledger'] }]);
    assert.equal(nodes[1]?.['groupName'], 'default');
    assert.equal(nodes[1]?.['partitionDefinition'], null);
    assert.equal(nodes.length, 2);
  });

  test('an edited sidecar is served after reloadRepositoryLocation, not before', async () => {
    const sidecar = join(checkout, 'finance', 'definitions.json');
    writeSidecar(sidecar, { name: 'finance', jobs: ['ledger_job', 'close_job'], assets: [{ ...LEDGER, opVersion: 'v2' }, REPORT, { key: ['finance', 'forecast'] }] });
    const stale = (await gql(server.base, '{ assetNodes { opVersion } }'))['assetNodes'] as unknown[];
    assert.deepEqual(stale, [{ opVersion: 'v1' }, { opVersion: 'v1' }]);
    const reloaded = await gql(server.base, RELOAD, { name: 'finance' });
    assert.deepEqual(reloaded['reloadRepositoryLocation'], { __typename: 'WorkspaceLocationEntry', name: 'finance', locationOrLoadError: { __typename: 'RepositoryLocation' } });
    const fresh = (await gql(server.base, '{ assetNodes { assetKey { path } opVersion } }'))['assetNodes'];
    assert.deepEqual(fresh, [{ assetKey: { path: ['finance', 'ledger'] }, opVersion: 'v2' }, { assetKey: { path: ['finance', 'report'] }, opVersion: 'v1' }, { assetKey: { path: ['finance', 'forecast'] }, opVersion: null }]);
    // A location can fail on reload too, and recover.
    writeSidecar(sidecar, { name: 'finance', loadError: 'SyntaxError: invalid syntax (definitions.py, line 3)' });
    const failed = await gql(server.base, RELOAD, { name: 'finance' });
    assert.deepEqual(failed['reloadRepositoryLocation'], { __typename: 'WorkspaceLocationEntry', name: 'finance', locationOrLoadError: { __typename: 'PythonError', message: 'SyntaxError: invalid syntax (definitions.py, line 3)' } });
    assert.deepEqual((await gql(server.base, '{ assetNodes { opVersion } }'))['assetNodes'], []);
    writeSidecar(sidecar, { name: 'finance', jobs: ['ledger_job', 'close_job'], assets: [LEDGER] });
    await gql(server.base, RELOAD, { name: 'finance' });
    const unknown = await gql(server.base, RELOAD, { name: 'nowhere' });
    assert.deepEqual(unknown['reloadRepositoryLocation'], { __typename: 'RepositoryLocationNotFound' });
  });

  test("launchRun runs the location's jobs with their tags; runsOrError lists them", async () => {
    const launch = `mutation L($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename ... on LaunchRunSuccess { run { runId tags { key value } } } } }`;
    const tags = [{ key: 'changegate/change', value: '42' }];
    const ok = await gql(server.base, launch, { p: { selector: { jobName: 'ledger_job', repositoryName: '__repository__', repositoryLocationName: 'finance' }, executionMetadata: { tags } } });
    assert.equal((ok['launchRun'] as { __typename: string }).__typename, 'LaunchRunSuccess');
    const broken = await gql(server.base, launch, { p: { selector: { jobName: 'ledger_job', repositoryName: '__repository__', repositoryLocationName: 'broken' } } });
    assert.equal((broken['launchRun'] as { __typename: string }).__typename, 'PipelineNotFoundError');
    const runs = await gql(server.base, '{ runsOrError { ... on Runs { results { jobName tags { key value } } } } }');
    assert.deepEqual(runs['runsOrError'], { results: [{ jobName: 'ledger_job', tags }] }, 'a fresh deployment has no seeded runs');
  });

  test('wrote the DAGSTER_CLOUD_* and CHANGEGATE_* variables to the test hook, and created DAGSTER_HOME', () => {
    const hook = JSON.parse(readFileSync(join(checkout, '.fake-dagster', 'env.json'), 'utf8')) as EnvHookRecord;
    assert.deepEqual(hook.env, { CHANGEGATE_CHANGE: '42', DAGSTER_CLOUD_DEPLOYMENT_NAME: 'change-42' });
    assert.equal(hook.dagsterHome, dagsterHome);
    assert.equal(hook.cwd, checkout);
    assert.ok(hook.argv.includes('--path-prefix'));
    assert.ok(statSync(dagsterHome).isDirectory());
  });

  test('SIGTERM closes it and it exits 0', async () => {
    server.child.kill('SIGTERM');
    assert.equal(await exited(server.child), 0);
  });
});

describe('dagster-webserver stand-in command line', () => {
  test('with no arguments it does nothing and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-dagster-noargs-'));
    try {
      const { child } = run(dir, []);
      assert.equal(await exited(child), 0);
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad options exit 2 with a click-style error; a bad workspace or relative DAGSTER_HOME exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-dagster-bad-'));
    try {
      const opt = run(dir, ['--no-such-option']);
      assert.equal(await exited(opt.child), 2);
      assert.match(opt.stderr(), /Error: No such option: --no-such-option/);
      const prefix = run(dir, ['-l', 'dagster/']);
      assert.equal(await exited(prefix.child), 2);
      assert.match(prefix.stderr(), /leading "\/"/);
      const ws = run(dir, ['-p', '0']);
      assert.equal(await exited(ws.child), 1);
      assert.match(ws.stderr(), /workspace/);
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'sub', 'workspace.yaml'), 'load_from:\n  - grpc_server: { host: localhost, port: 4266 }\n');
      const grpc = run(dir, ['-p', '0', '--workspace=sub/workspace.yaml']);
      assert.equal(await exited(grpc.child), 1);
      assert.match(grpc.stderr(), /python_file and python_module entries, not grpc_server/);
      const home = run(dir, ['-p', '0'], { DAGSTER_HOME: 'relative/home' });
      assert.equal(await exited(home.child), 1);
      assert.match(home.stderr(), /must be an absolute path/);
      assert.equal(existsSync(join(dir, 'relative')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
