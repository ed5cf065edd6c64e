// Debian's git-review through Changegate: `git review -s` (remote, hook download), `git review`
// (push for review) and `git review -d N` (download). git-review's REST calls have no /a/ and
// carry the PAT only after a 401 (git credential fill); the proxy authenticates and rewrites them.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { commitFile, createGitSandbox, type GitSandbox } from '../fakes/git.js';
import { startGerritBehindProxy, type GerritBehindProxy } from '../fakes/gerrit/behind-proxy.js';
import { COMMIT_MSG_HOOK } from '../fakes/gerrit/index.js';
import { GIT_REVIEW, requireExecutable } from '../fakes/real-parts.js';

let stand: GerritBehindProxy | undefined;
let git: GitSandbox | undefined;

before(async () => {
  requireExecutable(GIT_REVIEW, 'git-review');
  stand = await startGerritBehindProxy({ projects: ['demo'] });
  const { token } = await stand.mint('bob');
  git = await createGitSandbox();
  const port = new URL(stand.base).port;
  // How a person would set it up: the token in a credential store, the user name for git-review.
  const store = path.join(git.home, '.git-credentials');
  await writeFile(store, `http://bob:${token}@127.0.0.1:${port}\n`, { mode: 0o600 });
  await git.ok(['config', '--global', 'credential.helper', `store --file=${store}`]);
  await git.ok(['config', '--global', 'gitreview.username', 'bob']);
  // .gitreview lives in the project, as it would: pushed directly through the proxy by alice,
  // because only an admin may push to a branch without review.
  const { token: adminToken } = await stand.mint('alice');
  const seed = git.dir('seed');
  await git.ok(['clone', '-q', `http://alice:${adminToken}@127.0.0.1:${port}/demo`, seed]);
  await commitFile(git, seed, '.gitreview', `[gerrit]\nhost=127.0.0.1\nport=${port}\nproject=demo\nscheme=http\ndefaultbranch=master\n`, 'Add .gitreview');
  await git.ok(['push', '-q', 'origin', 'HEAD:refs/heads/master'], { cwd: seed });
});

after(async () => {
  await git?.dispose();
  await stand?.close();
});

test('git review -s, git review and git review -d N work through the proxy with a PAT', { timeout: 180_000 }, async () => {
  assert.ok(stand !== undefined && git !== undefined, 'the stand and the git sandbox started');
  const s = stand;
  const g = git;
  const work = g.dir('work');
  await g.ok(['clone', '-q', `${s.base}/demo`, work]);

  const setup = await g.run(GIT_REVIEW, ['-v', '-s'], { cwd: work, timeoutMs: 60_000 });
  assert.equal(setup.code, 0, `git review -s:\n${setup.stdout}\n${setup.stderr}`);
  assert.equal(await readFile(path.join(work, '.git', 'hooks', 'commit-msg'), 'utf8'), COMMIT_MSG_HOOK, 'hook downloaded through the proxy');
  const remote = (await g.ok(['remote', 'get-url', 'gerrit'], { cwd: work })).stdout.trim();
  assert.equal(remote, `${s.base.replace('://', '://bob@')}/demo`);

  await g.ok(['checkout', '-q', '-b', 'feature-x'], { cwd: work });
  const sha = await commitFile(g, work, 'x.txt', 'x\n', 'Add x via git-review');
  assert.match((await g.ok(['log', '-1', '--format=%B'], { cwd: work })).stdout, /^Change-Id: I[0-9a-f]{40}$/m);
  const review = await g.run(GIT_REVIEW, ['-v', '-y'], { cwd: work, timeoutMs: 60_000 });
  assert.equal(review.code, 0, `git review:\n${review.stdout}\n${review.stderr}`);
  const output = review.stdout + review.stderr;
  const number = Number(/\/c\/demo\/\+\/(\d+) Add x via git-review/.exec(output)?.[1]);
  assert.ok(number > 0, output);
  assert.equal(s.gerrit.changes.get(number)?.topic, 'feature-x', 'git-review sends %topic=<local branch>');
  assert.equal(s.gerrit.pushes.at(-1)?.user, 'bob');

  const list = await g.run(GIT_REVIEW, ['-l'], { cwd: work, timeoutMs: 60_000 });
  assert.equal(list.code, 0, `git review -l:\n${list.stdout}\n${list.stderr}`);
  assert.match(list.stdout, new RegExp(`^${number}\\s+.*Add x via git-review`, 'm'));

  const other = g.dir('other');
  await g.ok(['clone', '-q', `${s.base}/demo`, other]);
  const download = await g.run(GIT_REVIEW, ['-v', '-d', String(number)], { cwd: other, timeoutMs: 60_000 });
  assert.equal(download.code, 0, `git review -d:\n${download.stdout}\n${download.stderr}`);
  assert.equal((await g.ok(['rev-parse', 'HEAD'], { cwd: other })).stdout.trim(), sha);
  // Gerrit 3.x sends owner as a bare _account_id unless DETAILED_ACCOUNTS, which git-review does
  // not ask for, so git-review falls back to "unknown" for the branch's author part.
  assert.equal((await g.ok(['branch', '--show-current'], { cwd: other })).stdout.trim(), 'review/unknown/feature-x');
  // The patch-set form asks for ALL_REVISIONS and names the branch after the patch set.
  const byPatchSet = await g.run(GIT_REVIEW, ['-d', `${number},1`], { cwd: other, timeoutMs: 60_000 });
  assert.equal(byPatchSet.code, 0, `git review -d N,1:\n${byPatchSet.stdout}\n${byPatchSet.stderr}`);
  assert.equal((await g.ok(['branch', '--show-current'], { cwd: other })).stdout.trim(), 'review/unknown/feature-x-patch1');

  // git-review's REST queries went out without /a/; Gerrit got them under /a/ with bob's name.
  const queries = s.gerrit.received.filter((h) => h.url.includes('/changes/'));
  assert.ok(queries.length > 0);
  for (const q of queries) {
    assert.ok(q.url.startsWith('/a/changes/'), q.url);
    assert.equal(q.user, 'bob');
    assert.equal(q.authorization, undefined);
  }
  const hook = s.gerrit.received.find((h) => h.url === '/tools/hooks/commit-msg');
  assert.equal(hook?.user, 'bob');
});
