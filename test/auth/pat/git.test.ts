// git clone and git push over HTTP through the auth layer with a personal access token, against
// a real `git http-backend`.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { browse, Jar, last } from '../oidc/jar.js';
import { startStand } from '../oidc/stand.js';
import type { Stand } from '../oidc/stand.js';
import { gitBackend } from './git-backend.js';

const run = promisify(execFile);
let stand: Stand;
let root: string;

function gitEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: root,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Bob',
    GIT_AUTHOR_EMAIL: 'bob@example.test',
    GIT_COMMITTER_NAME: 'Bob',
    GIT_COMMITTER_EMAIL: 'bob@example.test',
  };
}

function git(args: string[], cwd = root) {
  return run('git', ['-c', 'credential.helper=', '-c', 'init.defaultBranch=main', ...args], { cwd, env: gitEnv(), timeout: 60_000 });
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'changegate-git-'));
  await git(['init', '--bare', 'project.git']);
  await git(['-C', 'project.git', 'config', 'http.receivepack', 'true']);
  stand = await startStand({ upstream: gitBackend(root) });
});

after(async () => {
  await stand.close();
  await rm(root, { recursive: true, force: true });
});

async function tokenFor(username: string): Promise<{ token: string; id: string }> {
  const jar = new Jar();
  // Lands on the git upstream's `/`, a 404 there; the session is what matters.
  assert.equal(last(await browse(jar, stand.url('/.changegate/login?rd=/'), username)).url.pathname, '/');
  const check = await stand.auth.sessionAuthenticator.check([['changegate', jar.value('changegate') ?? '']], false);
  assert.equal(check.kind, 'valid');
  if (check.kind !== 'valid') throw new Error('not signed in');
  const { token, summary } = await stand.auth.pats.mint(stand.auth.sessionAuthenticator.identityOf(check.state), { name: 'git' });
  return { token, id: summary.id };
}

test('git clones and pushes through the proxy with a PAT; a revoked PAT is refused', { timeout: 120_000 }, async () => {
  const { token, id } = await tokenFor('bob');
  const remote = `http://bob:${token}@127.0.0.1:${new URL(stand.appUrl).port}/project.git`;

  await git(['clone', remote, 'work']);
  const work = path.join(root, 'work');
  await writeFile(path.join(work, 'README'), 'hello through changegate\n');
  await git(['add', 'README'], work);
  await git(['commit', '-m', 'first'], work);
  await git(['push', 'origin', 'HEAD:refs/heads/main'], work);
  const push = stand.hits.find((h) => h.path.endsWith('/git-receive-pack') && h.method === 'POST');
  assert.equal(push?.user, 'bob');

  await git(['clone', remote, 'check']);
  assert.equal(await readFile(path.join(root, 'check', 'README'), 'utf8'), 'hello through changegate\n');

  const anonymous = `http://127.0.0.1:${new URL(stand.appUrl).port}/project.git`;
  await assert.rejects(git(['ls-remote', anonymous]), /401|Authentication failed|could not read Username/);

  const owner = (await stand.auth.pats.store.get(id))?.owner;
  assert.ok(owner);
  assert.equal(owner.username, 'bob');
  assert.equal(await stand.auth.pats.revoke({ id: owner.sub, issuer: owner.issuer }, id), true);
  await assert.rejects(git(['ls-remote', remote]), /401|Authentication failed/);
});
