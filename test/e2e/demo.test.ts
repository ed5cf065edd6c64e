// `changegate demo` end to end, as a newcomer runs it: the real executable in a child process on
// the fixed embedded ports, the Dagster stand-in reached through the proxy with a CI token from the
// development IdP, and a clean exit on SIGTERM. A taken port fails the test with its number: the
// demo promises these ports, so a machine where they are busy can't show it working.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';

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

function timeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)));
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

describe('changegate demo (spawned)', () => {
  test('serves the Dagster stand-in through the proxy to a CI token and exits cleanly on SIGTERM', { timeout: 120_000 }, async () => {
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

    const res = await fetch(url, { headers: { authorization: `Bearer ${await ciToken()}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { data: { __typename: 'Query' } });

    demo.proc.kill('SIGTERM');
    const code = await timeout(demo.exited, 30_000, 'exit after SIGTERM');
    assert.equal(code, 0, demo.output());
    assert.match(demo.output(), /SIGTERM, stopping/);
  });
});
