// The demo's teardown: every webserver the registry names is stopped (its whole process group),
// its checkouts removed and its record dropped, so a demo leaves nothing running and the next one
// adopts nothing from a Gerrit that is gone.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { Registry } from '../../src/deployments/registry.js';
import { forgetDeployments } from '../../src/main/forget-deployments.js';
import { eventually } from '../fakes/poll.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    // A zombie (PID 1 in a container may reap nobody) is gone for our purposes.
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function config(dir: string) {
  return configSchema.parse({
    listen: '127.0.0.1:0',
    stateDir: join(dir, 'state'),
    upstreams: { gerrit: { url: 'http://127.0.0.1:9', serviceAccount: { username: 'svc', token: 't' } }, dagster: { url: 'http://127.0.0.1:9', pathPrefix: '/dagster' } },
    identity: { oidc: { issuer: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 's' } },
    policy: { path: dir },
    audit: { path: join(dir, 'audit.jsonl') },
    deployments: { projects: ['demo'], launcher: { kind: 'process', workdir: join(dir, 'checkouts') } },
  });
}

const change = (number: number) => ({
  number,
  id: `I${'a'.repeat(40)}`,
  project: 'demo',
  branch: 'master',
  patchset: 1,
  ref: `refs/changes/0${number}/${number}/1`,
  owner: 'bob',
  reviewers: [],
  status: 'OPEN' as const,
  commit: { sha: 'b'.repeat(40), timestamp: '1700000000', authorName: 'Bob', authorEmail: 'bob@example.test', message: 'x' },
});

test('stops the webservers the registry names, removes their checkouts and forgets them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'changegate-forget-'));
  dirs.push(dir);
  const c = config(dir);
  // A stand-in webserver: a process group of its own, as the process launcher spawns one.
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  child.unref();
  const pid = child.pid!;
  await mkdir(join(dir, 'checkouts', '1', '1'), { recursive: true });
  await writeFile(join(dir, 'checkouts', '1', '1', 'workspace.yaml'), 'load_from: []\n');
  const registry = await Registry.open(c.stateDir);
  const at = '2026-01-01T00:00:00.000Z';
  const serving = { patchset: 1, sha: 'b'.repeat(40), url: 'http://127.0.0.1:1', handle: { pid, pgid: pid, port: 1, pathPrefix: '/dagster/changes/1', startedAt: 0 }, readyAt: at };
  await registry.put({ name: 'gerrit-change-1', change: change(1), pathPrefix: '/dagster/changes/1', createdAt: at, updatedAt: at, state: { status: 'ready', serving } });
  await registry.put({ name: 'gerrit-change-2', change: change(2), pathPrefix: '/dagster/changes/2', createdAt: at, updatedAt: at, state: { status: 'closed', at, reason: 'MERGED' } });

  assert.equal(await forgetDeployments(c), 1);
  await eventually('the webserver stopped', () => !alive(pid));
  assert.ok(!existsSync(join(dir, 'checkouts', '1')), 'its checkouts are removed');
  assert.deepEqual((await Registry.open(c.stateDir)).list(), []);
  assert.equal(await forgetDeployments(c), 0, 'nothing left the second time');
});

test('does nothing without deployments configured', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'changegate-forget-'));
  dirs.push(dir);
  const { deployments: _, ...rest } = config(dir);
  assert.equal(await forgetDeployments({ ...rest, deployments: undefined }), 0);
  assert.ok(!existsSync(join(dir, 'state', 'deployments')));
});
