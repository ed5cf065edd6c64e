// Pushes that bypass review, through the proxy with real git (issue 5). A reviewer may push for
// review only; direct pushes, %submit / -o submit, label votes on push and refs/meta/config are
// for admins; src/upstreams/gerrit/git classifies each command of the push.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { commitFile, createGitSandbox, installHook, withCredentials, type GitSandbox } from '../fakes/git.js';
import { startGerritBehindProxy, type GerritBehindProxy } from '../fakes/gerrit/behind-proxy.js';
import { COMMIT_MSG_HOOK } from '../fakes/gerrit/index.js';


let stand: GerritBehindProxy;
let git: GitSandbox;
const tokens = new Map<string, string>();

before(async () => {
  stand = await startGerritBehindProxy({ projects: ['gate'] });
  git = await createGitSandbox();
  for (const user of ['alice', 'bob']) tokens.set(user, (await stand.mint(user)).token);
});

after(async () => {
  await git?.dispose();
  await stand?.close();
});

async function workTree(user: string): Promise<{ dir: string; url: string }> {
  const url = withCredentials(`${stand.base}/gate`, user, tokens.get(user) ?? '');
  const dir = git.dir(`gate-${user}`);
  await git.ok(['clone', '-q', url, dir]);
  await installHook(dir, COMMIT_MSG_HOOK);
  await commitFile(git, dir, `${user}.txt`, `${Math.random()}\n`, `Change by ${user}`);
  return { dir, url };
}

/** Pushes as bob and expects the proxy to refuse it with 403 before Gerrit sees the pack. */
async function refusedForBob(args: readonly string[]): Promise<void> {
  const { dir } = await workTree('bob');
  const before = stand.gerrit.received.filter((r) => r.method === 'POST' && r.url.endsWith('/git-receive-pack')).length;
  const push = await git.git(['push', 'origin', ...args], { cwd: dir });
  assert.notEqual(push.code, 0, push.stderr);
  assert.match(push.stderr, /403/);
  const after = stand.gerrit.received.filter((r) => r.method === 'POST' && r.url.endsWith('/git-receive-pack')).length;
  assert.equal(after, before, 'the pack never reached Gerrit');
}

test('bob (reviewer) may push for review through the proxy', { timeout: 60_000 }, async () => {
  const { dir } = await workTree('bob');
  const push = await git.ok(['push', 'origin', 'HEAD:refs/for/master'], { cwd: dir });
  assert.match(push.stderr, /\[NEW\]/);
});

test('bob may not push directly to refs/heads/master', { timeout: 60_000 }, async () => {
  await refusedForBob(['HEAD:refs/heads/master']);
});

test('bob may not use %submit on a push for review', { timeout: 60_000 }, async () => {
  await refusedForBob(['HEAD:refs/for/master%submit']);
});

test('bob may not use -o submit on a push for review', { timeout: 60_000 }, async () => {
  await refusedForBob(['HEAD:refs/for/master', '-o', 'submit']);
});

test('bob may not vote with l=Code-Review+2 on push', { timeout: 60_000 }, async () => {
  await refusedForBob(['HEAD:refs/for/master%l=Code-Review+2']);
});

test('bob may not push to refs/meta/config, directly or for review', { timeout: 60_000 }, async () => {
  await refusedForBob(['HEAD:refs/meta/config']);
  await refusedForBob(['HEAD:refs/for/refs/meta/config']);
});

test('alice (admin) may push directly', { timeout: 60_000 }, async () => {
  const { dir } = await workTree('alice');
  const push = await git.ok(['push', 'origin', 'HEAD:refs/heads/master'], { cwd: dir });
  assert.match(push.stderr, /HEAD -> master/);
  const head = (await git.ok(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
  assert.equal((await git.ok(['ls-remote', 'origin', 'refs/heads/master'], { cwd: dir })).stdout.split('\t')[0], head);
  assert.equal(stand.gerrit.received.at(-1)?.user, 'alice');
});
