// `changegate demo` end to end, as a newcomer runs it: the real executable in a child process on
// the fixed embedded ports, the Dagster stand-in reached through the proxy with a CI token from the
// development IdP, the demo change's branch deployment (deployed by the reconcile at start, its
// link posted on the change, serving the change's definitions), and a clean exit on SIGTERM that
// leaves no webserver behind. A taken port fails the test with its number: the demo promises these
// ports, so a machine where they are busy can't show it working.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { eventually } from '../fakes/poll.js';

const PORTS = { ingress: 8080, admin: 9901, idp: 8090, gerrit: 8081, dagster: 3000 } as const;
const fromSource = import.meta.url.endsWith('.ts');
const CLI = fileURLToPath(new URL(`../../src/cli.${fromSource ? 'ts' : 'js'}`, import.meta.url));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function busyPorts(): Promise<number[]> {
  const ports = Object.values(PORTS);
  const free = await Promise.all(ports.map(portFree));
  return ports.filter((_, i) => !free[i]);
}


let child: ChildProcess | undefined;
let dir: string | undefined;
after(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function spawnDemo(cwd: string): { proc: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // tsx by absolute URL, so a scratch working directory (where the demo writes var/) still finds it.
  const loader = fromSource ? ['--import', import.meta.resolve('tsx')] : [];
  const proc = spawn(process.execPath, [...loader, CLI, 'demo'], { cwd, env: { PATH: process.env['PATH'], HOME: process.env['HOME'] }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => (text += d));
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => (text += d));
  const exited = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
  return { proc, output: () => text, exited };
}

async function waitReady(proc: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (proc.exitCode !== null) throw new Error(`demo exited early (${proc.exitCode}):\n${output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${PORTS.admin}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`demo not ready after 60 s:\n${output()}`);
}

async function ciToken(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${PORTS.idp}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('ci-runner:ci-runner-dev-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { access_token?: unknown };
  assert.equal(typeof body.access_token, 'string');
  return body.access_token as string;
}

interface DeploymentView {
  readonly change: number;
  readonly project: string;
  readonly owner: string;
  readonly status: string;
  readonly link: string;
  readonly lastError?: string;
}

/** The demo change's deployment once it is ready or failed, read as the CI client may read it. */
async function settledDeployment(token: string): Promise<DeploymentView> {
  return eventually(
    'the demo change\'s branch deployment to be ready',
    async () => {
      const res = await fetch(`http://127.0.0.1:${PORTS.ingress}/.changegate/api/deployments`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`/.changegate/api/deployments answered ${res.status}: ${await res.text()}`);
      const { deployments } = (await res.json()) as { deployments: DeploymentView[] };
      return deployments.find((d) => d.project === 'demo' && (d.status === 'ready' || d.status === 'failed'));
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

/** The Gerrit stand-in's messages on a change, straight from it (it listens on loopback too). */
async function changeMessages(change: number): Promise<{ message: string; tag?: string }[]> {
  const res = await fetch(`http://127.0.0.1:${PORTS.gerrit}/changes/${change}/detail`);
  assert.equal(res.status, 200);
  return ((JSON.parse((await res.text()).replace(/^\)\]\}'\n/, '')) as { messages: { message: string; tag?: string }[] }).messages);
}

/** The pids of the webservers the demo's registry names (read before it stops). */
async function webserverPids(cwd: string): Promise<number[]> {
  const registry = JSON.parse(await readFile(join(cwd, 'var', 'deployments', 'registry.json'), 'utf8')) as { records: { state: { serving?: { handle: { pid?: unknown } } } }[] };
  return registry.records.map((r) => Number(r.state.serving?.handle.pid)).filter((pid) => pid > 0);
}

function processAlive(pid: number): boolean {
  try {
    // A zombie (PID 1 in a container may reap nobody) is gone for our purposes.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function timeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)));
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

describe('changegate demo (spawned)', () => {
  test('serves the Dagster stand-in through the proxy to a CI token, deploys the demo change, and exits cleanly on SIGTERM', { timeout: 180_000 }, async () => {
    const busy = await busyPorts();
    assert.deepEqual(busy, [], `the demo listens on fixed loopback ports and ${busy.join(', ')} ${busy.length > 1 ? 'are' : 'is'} in use: stop what holds them`);
    dir = await mkdtemp(join(tmpdir(), 'changegate-demo-'));
    const demo = spawnDemo(dir);
    child = demo.proc;
    await waitReady(demo.proc, demo.output);
    assert.match(demo.output(), /changegate demo is running/);
    assert.doesNotMatch(demo.output(), /Dagster stand-in (did not start|is not in this build)/);

    const url = `http://127.0.0.1:${PORTS.ingress}/dagster/graphql?query=${encodeURIComponent('{__typename}')}`;
    const anonymous = await fetch(url);
    assert.equal(anonymous.status, 401, 'no credentials: the proxy, not Dagster, answers');

    const token = await ciToken();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { data: { __typename: 'Query' } });

    // bob's open change got its own webserver at start, and the banner says where.
    assert.match(demo.output(), /branch deployments +http:\/\/127\.0\.0\.1:8080\/\.changegate\/deployments/);
    const deployment = await settledDeployment(token);
    assert.equal(deployment.status, 'ready', `the deployment failed: ${deployment.lastError ?? ''}\n${demo.output()}`);
    const prefix = `/dagster/changes/${deployment.change}`;
    assert.equal(deployment.link, `http://127.0.0.1:${PORTS.ingress}${prefix}/`);
    assert.equal(deployment.owner, 'bob');
    assert.ok(demo.output().includes(deployment.link), 'the banner names the deployment link');
    // It serves the change's definitions: the asset the change adds is there (production has none of them).
    const assets = await fetch(`http://127.0.0.1:${PORTS.ingress}${prefix}/graphql?query=${encodeURIComponent('{ assetNodes { assetKey { path } } }')}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(assets.status, 200);
    const keys = ((await assets.json()) as { data: { assetNodes: { assetKey: { path: string[] } }[] } }).data.assetNodes.map((n) => n.assetKey.path.join('/'));
    assert.deepEqual(keys.sort(), ['finance/invoices', 'finance/ledger']);
    // The link is posted on the change, as Dagster+'s "View in Cloud".
    const posted = await eventually('the ready message on the change', async () => (await changeMessages(deployment.change)).find((m) => m.tag === 'autogenerated:changegate:deployment'));
    assert.ok(posted.message.includes(deployment.link), posted.message);
    assert.match(posted.message, /finance: loaded/);
    // Its tracked changes: the asset it adds, on the change and on the page (production has the ledger).
    const tracked = await eventually('the asset changes on the change', async () => (await changeMessages(deployment.change)).find((m) => m.tag === 'autogenerated:changegate:changes'));
    assert.match(tracked.message, /finance\/invoices/);
    const impact = await eventually('the asset changes page', async () => {
      const r = await fetch(`http://127.0.0.1:${PORTS.ingress}/.changegate/api/changes/${deployment.change}/assets`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await r.json()) as { status?: string; impact?: { assets: { key: string[]; reasons: string[] }[] } };
      return body.status === 'current' ? body.impact : undefined;
    });
    assert.deepEqual(impact?.assets.map((a) => [a.key.join('/'), a.reasons]), [['finance/invoices', ['NEW']]]);
    const page = await fetch(`http://127.0.0.1:${PORTS.ingress}/.changegate/changes/${deployment.change}/assets`, { headers: { authorization: `Bearer ${token}` } });
    assert.match(await page.text(), /finance\/invoices/);
    const pids = await webserverPids(dir);
    assert.equal(pids.length, 1, 'one webserver for the one open change');

    demo.proc.kill('SIGTERM');
    const code = await timeout(demo.exited, 30_000, 'exit after SIGTERM');
    assert.equal(code, 0, demo.output());
    assert.match(demo.output(), /SIGTERM, stopping/);
    // The demo's Gerrit is gone with it, so its deployments' webservers go too.
    for (const pid of pids) await eventually(`webserver ${pid} stopped`, () => !processAlive(pid));
  });
});
