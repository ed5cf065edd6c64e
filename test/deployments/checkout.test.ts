// A patch set's checkout with real git against the Gerrit stand-in: fetched into
// {workdir}/{change}/{patchset}, reused when already at the commit, checked against the commit
// Gerrit named, only over http(s), and with the service account's credentials never in argv or
// in an error.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { checkoutPatchSet, redactUrls, removeCheckouts, type CheckoutRequest } from '../../src/deployments/checkout.js';
import { commitFile, createGitSandbox, installHook, type GitSandbox } from '../fakes/git.js';
import { COMMIT_MSG_HOOK, startFakeGerrit, type FakeGerrit } from '../fakes/gerrit/index.js';

const TOKEN = 'tok-' + 'x'.repeat(20);
const AUTH = `Basic ${Buffer.from(`svc:${TOKEN}`).toString('base64')}`;
let gerrit: FakeGerrit;
let git: GitSandbox;
let workdir: string;
let change: { number: number; sha: string; ref: string };

before(async () => {
  gerrit = await startFakeGerrit({ projects: ['data/pipelines'], tokens: { svc: TOKEN } });
  git = await createGitSandbox('[http]\n\textraHeader = X-Forwarded-User: bob\n');
  workdir = await mkdtemp(join(tmpdir(), 'changegate-checkout-'));
  const dir = git.dir('work');
  await git.ok(['clone', '-q', `${gerrit.url}/data/pipelines`, dir]);
  await installHook(dir, COMMIT_MSG_HOOK);
  await commitFile(git, dir, 'workspace.yaml', 'load_from: []\n', 'Add a workspace');
  const push = await git.ok(['push', 'origin', 'HEAD:refs/for/master'], { cwd: dir });
  const number = Number(/\/\+\/(\d+) /.exec(push.stderr)?.[1]);
  const sha = (await git.ok(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
  change = { number, sha, ref: `refs/changes/${String(number % 100).padStart(2, '0')}/${number}/1` };
});

after(async () => {
  await git?.dispose();
  await gerrit?.close();
  if (workdir !== undefined) await rm(workdir, { recursive: true, force: true });
});

function request(over: Partial<CheckoutRequest> = {}): CheckoutRequest {
  return { workdir, change: change.number, patchset: 1, url: `${gerrit.url}/a/data/pipelines`, ref: change.ref, sha: change.sha, authorization: AUTH, timeoutMs: 30_000, ...over };
}

const fetches = () => gerrit.received.filter((r) => r.url.includes('git-upload-pack')).length;

test('fetches the patch set into {workdir}/{change}/{patchset}, then reuses it at the same commit', async () => {
  const dir = await checkoutPatchSet(request());
  assert.equal(dir, join(workdir, String(change.number), '1'));
  assert.equal(await readFile(join(dir, 'workspace.yaml'), 'utf8'), 'load_from: []\n');
  const seen = gerrit.received.filter((r) => r.url.includes('/a/data/pipelines/'));
  assert.ok(seen.length > 0 && seen.every((r) => r.authorization === AUTH && r.user === undefined), 'fetched as the service account, in a header');
  const before = fetches();
  assert.equal(await checkoutPatchSet(request()), dir);
  assert.equal(fetches(), before, 'no second fetch');
  // A checkout moved off the commit is fetched again.
  await writeFile(join(dir, '.git', 'HEAD'), `${'0'.repeat(40)}\n`);
  assert.equal(await checkoutPatchSet(request()), dir);
  assert.ok(fetches() > before);
  await removeCheckouts(workdir, change.number);
  assert.equal(existsSync(join(workdir, String(change.number))), false);
});

test('a ref at another commit than the one Gerrit named is an error', async () => {
  await assert.rejects(checkoutPatchSet(request({ patchset: 2, sha: 'f'.repeat(40) })), new RegExp(`${change.ref} is ${change.sha}, not the patch set's commit f{40}`));
});

test('only http(s): file:// and ext:: URLs are refused by git itself', async () => {
  const bare = join(gerrit.dir, 'data', 'pipelines.git');
  const marker = join(workdir, 'ext-ran');
  for (const [url, transport] of [
    [`file://${bare}`, 'file'],
    [bare, 'file'],
    [`ext::sh -c touch% ${marker}`, 'ext'],
  ] as const) {
    await assert.rejects(checkoutPatchSet(request({ patchset: 3, url })), (e: Error) => {
      assert.match(e.message, new RegExp(`transport '${transport}' not allowed`), url);
      return true;
    });
  }
  assert.equal(existsSync(marker), false);
});

test('a URL that looks like an option is not one', async () => {
  const marker = join(workdir, 'upload-pack-ran');
  await assert.rejects(checkoutPatchSet(request({ patchset: 4, url: `--upload-pack=touch ${marker}` })));
  assert.equal(existsSync(marker), false);
});

test('credentials are never in argv nor in the error of a fetch that fails', async (t) => {
  // A git on PATH that records its argv, then runs the real one.
  const spy = await mkdtemp(join(tmpdir(), 'changegate-gitspy-'));
  t.after(() => rm(spy, { recursive: true, force: true }));
  const real = (await git.ok(['--exec-path'])).stdout.trim();
  await writeFile(join(spy, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> ${spy}/argv\nexec ${real}/git "$@"\n`);
  await chmod(join(spy, 'git'), 0o755);
  const path = process.env['PATH'];
  process.env['PATH'] = `${spy}:${path ?? ''}`;
  try {
    await checkoutPatchSet(request({ patchset: 5 }));
    const unreachable = 'http://127.0.0.1:9/a/data/pipelines';
    await assert.rejects(checkoutPatchSet(request({ patchset: 6, url: unreachable })), (e: Error) => {
      assert.match(e.message, /git fetch failed/);
      assert.ok(!e.message.includes(TOKEN) && !e.message.includes(AUTH.slice(6)), e.message);
      return true;
    });
    // Credentials a source put in the URL do not come back in the error either.
    await assert.rejects(checkoutPatchSet(request({ patchset: 7, url: `http://svc:${TOKEN}@127.0.0.1:9/a/data/pipelines`, authorization: undefined })), (e: Error) => {
      assert.ok(!e.message.includes(TOKEN), e.message);
      return true;
    });
  } finally {
    process.env['PATH'] = path;
  }
  const argv = await readFile(join(spy, 'argv'), 'utf8');
  assert.match(argv, /fetch /);
  assert.ok(!argv.includes(AUTH.slice(6)) && !argv.includes('Authorization'), argv);
});

test('a fetch that hangs is killed at timeoutMs, and its error carries no credentials either', async (t) => {
  const server = http.createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const port = (server.address() as AddressInfo).port;
  await assert.rejects(checkoutPatchSet(request({ patchset: 8, url: `http://svc:${TOKEN}@127.0.0.1:${port}/a/data/pipelines`, timeoutMs: 500 })), (e: Error) => {
    assert.match(e.message, /git fetch failed: timed out after 500 ms/);
    assert.ok(!e.message.includes(TOKEN), e.message);
    return true;
  });
});

test('redactUrls cuts credentials out of every URL in a text, and nothing else', () => {
  assert.equal(redactUrls("fatal: unable to access 'https://svc:p%40ss@gerrit/a/x/': 401"), "fatal: unable to access 'https://***@gerrit/a/x/': 401");
  assert.equal(redactUrls('git fetch http://tok@h/a http://u:p@h2/b'), 'git fetch http://***@h/a http://***@h2/b');
  assert.equal(redactUrls('mail bob@example.com at http://h/x'), 'mail bob@example.com at http://h/x');
});
