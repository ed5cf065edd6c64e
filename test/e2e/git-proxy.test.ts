// Real git through Changegate with personal access tokens (issue 4's acceptance): clone and push
// for review as bob (reviewer), what Gerrit receives (our user header, never the token), revoked
// and expired tokens, a viewer's token, and a large pack.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { commitFile, createGitSandbox, installHook, withCredentials, type GitSandbox } from '../fakes/git.js';
import { startGerritBehindProxy, type GerritBehindProxy } from '../fakes/gerrit/behind-proxy.js';
import { COMMIT_MSG_HOOK } from '../fakes/gerrit/index.js';

let stand: GerritBehindProxy;
let git: GitSandbox;

before(async () => {
  stand = await startGerritBehindProxy();
  git = await createGitSandbox();
});

after(async () => {
  await git?.dispose();
  await stand?.close();
});

function basic(user: string, token: string): string {
  return `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;
}

async function cloneAs(user: string, token: string, project: string): Promise<string> {
  const dir = git.dir(`clone-${user}`);
  await git.ok(['clone', '-q', withCredentials(`${stand.base}/${project}`, user, token), dir]);
  await installHook(dir, COMMIT_MSG_HOOK);
  return dir;
}

test("bob clones and pushes for review with a PAT; Gerrit sees bob, never the token", { timeout: 120_000 }, async () => {
  const { token } = await stand.mint('bob');
  const before = stand.gerrit.received.length;
  const dir = await cloneAs('bob', token, 'external/bison');
  await commitFile(git, dir, 'README.md', '# bison\n\nthrough the proxy\n', 'Update README through Changegate');
  const push = await git.ok(['push', 'origin', 'HEAD:refs/for/master%topic=proxy', '-o', 'notify=NONE'], { cwd: dir });
  const line = new RegExp(`remote:   ${stand.base.replace(/[.]/g, '\\.')}/c/external/bison/\\+/(\\d+) Update README through Changegate \\[NEW\\]`).exec(push.stderr);
  assert.ok(line, push.stderr);
  const number = Number(line[1]);
  assert.equal(stand.gerrit.changes.get(number)?.status, 'NEW');
  assert.equal(stand.gerrit.model.accounts.get(stand.gerrit.changes.get(number)?.owner ?? -1)?.username, 'bob');
  assert.deepEqual(stand.gerrit.pushes.at(-1)?.allOptions, ['topic=proxy', 'notify=NONE']);

  const hits = stand.gerrit.received.slice(before);
  assert.ok(hits.some((h) => h.url.includes('git-receive-pack')), 'the push reached Gerrit');
  for (const h of hits) {
    assert.equal(h.user, 'bob', `${h.method} ${h.url}`);
    assert.equal(h.authorization, undefined, `no Authorization upstream on ${h.method} ${h.url}`);
    assert.match(h.requestId ?? '', /.+/, 'request id stamped');
    assert.ok(!JSON.stringify(h.headers).includes(token), 'the token never reaches Gerrit');
  }
  const receive = stand.gerrit.pushes.at(-1);
  assert.equal(receive?.user, 'bob');
  assert.ok(hits.some((h) => h.requestId === receive?.requestId), 'the push record carries the proxied request id');

  // The same change over REST, through the proxy: /changes/ is rewritten to /a/changes/.
  const res = await fetch(`${stand.base}/changes/?q=${number}&o=CURRENT_REVISION`, { headers: { authorization: basic('bob', token) } });
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.ok(text.startsWith(")]}'\n"));
  assert.equal((JSON.parse(text.slice(5)) as { _number: number }[])[0]?._number, number);
  assert.equal(stand.gerrit.received.at(-1)?.url.startsWith('/a/changes/'), true);

  const audit = await stand.audit();
  const allowed = audit.find((r) => {
    const d = r as { kind?: string; requestId?: string; subject?: { id?: string; via?: string }; decision?: { allow?: boolean } };
    return d.kind === 'decision' && d.requestId === receive?.requestId;
  }) as { subject?: { id?: string; via?: string }; decision?: { allow?: boolean } } | undefined;
  assert.equal(allowed?.subject?.id, 'bob', 'the push is audited under bob');
  assert.equal(allowed?.subject?.via, 'pat');
  assert.equal(allowed?.decision?.allow, true);
  assert.ok(!JSON.stringify(audit).includes(token), 'the audit log never holds the token');
  const completion = audit.find((r) => (r as { kind?: string; requestId?: string }).kind === 'completion' && (r as { requestId?: string }).requestId === receive?.requestId) as
    | { learned?: { changes?: number[] } }
    | undefined;
  assert.deepEqual(completion?.learned?.changes, [number], 'the new change number, read from the sideband, reaches the audit log');
});

test('a revoked PAT stops working: git fails with 401 and nothing reaches Gerrit', { timeout: 60_000 }, async () => {
  const { token, id } = await stand.mint('bob');
  const url = withCredentials(`${stand.base}/demo`, 'bob', token);
  await git.ok(['ls-remote', url]);
  await stand.revoke('bob', id);
  const before = stand.gerrit.received.length;
  const r = await git.git(['ls-remote', url]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Authentication failed/);
  const res = await fetch(`${stand.base}/demo/info/refs?service=git-upload-pack`, { headers: { authorization: basic('bob', token) } });
  assert.equal(res.status, 401);
  assert.match(res.headers.get('www-authenticate') ?? '', /^Basic /);
  assert.equal(stand.gerrit.received.length, before);
});

test('an expired PAT is refused with 401', { timeout: 60_000 }, async () => {
  const { token } = await stand.mint('bob', { expiresInSeconds: 60, ageSeconds: 3600 });
  const r = await git.git(['ls-remote', withCredentials(`${stand.base}/demo`, 'bob', token)]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Authentication failed/);
  const res = await fetch(`${stand.base}/demo/info/refs?service=git-upload-pack`, { headers: { authorization: basic('bob', token) } });
  assert.equal(res.status, 401);
  assert.match(await res.text(), /expired/);
  // Someone else's token under bob's name is refused too.
  const dave = await stand.mint('dave');
  assert.equal((await fetch(`${stand.base}/demo/info/refs?service=git-upload-pack`, { headers: { authorization: basic('bob', dave.token) } })).status, 401);
});

test("a viewer's PAT (dave): he may clone, but his push for review is refused (403)", { timeout: 60_000 }, async () => {
  const { token } = await stand.mint('dave');
  const url = withCredentials(`${stand.base}/demo`, 'dave', token);
  // GET info/refs is gerrit.read: allowed for any signed-in human (viewer).
  const refs = await fetch(`${stand.base}/demo/info/refs?service=git-upload-pack`, { headers: { authorization: basic('dave', token) } });
  assert.equal(refs.status, 200);
  await refs.arrayBuffer();
  // git-upload-pack is a read (src/upstreams/gerrit/git), whatever its HTTP method: a viewer clones.
  const clone = await git.git(['clone', '-q', url, git.dir('dave-clone')]);
  assert.equal(clone.code, 0, clone.stderr);
  // Push for review is a write under every classification: refused with 403.
  const dir = git.dir('dave-push');
  const { token: bobToken } = await stand.mint('bob');
  await git.ok(['clone', '-q', withCredentials(`${stand.base}/demo`, 'bob', bobToken), dir]);
  await installHook(dir, COMMIT_MSG_HOOK);
  await commitFile(git, dir, 'dave.txt', 'dave\n', 'Dave tries');
  const before = stand.gerrit.pushes.length;
  const push = await git.git(['push', url, 'HEAD:refs/for/master'], { cwd: dir });
  assert.notEqual(push.code, 0);
  assert.match(push.stderr, /403/);
  assert.equal(stand.gerrit.pushes.length, before, 'no push reached Gerrit');
  const denied = (await stand.audit()).filter((r) => {
    const d = r as { kind?: string; subject?: { id?: string }; decision?: { allow?: boolean }; request?: { path?: string } };
    return d.kind === 'decision' && d.subject?.id === 'dave' && d.decision?.allow === false && (d.request?.path ?? '').endsWith('/git-receive-pack');
  });
  assert.ok(denied.length > 0, 'the refusal is audited as a decision');
});

test('a ~20 MiB pack goes through the proxy (chunked, after git\'s probe request)', { timeout: 240_000 }, async (t) => {
  const { token } = await stand.mint('bob');
  const project = 'big';
  await stand.gerrit.createProject(project);
  const dir = await cloneAs('bob', token, project);
  // Random bytes: the pack cannot compress them, so ~20 MiB really crosses the wire.
  await commitFile(git, dir, 'blob.bin', randomBytes(20 * 1024 * 1024), 'Add a large blob');
  const viaProxy = await git.ok(['push', 'origin', 'HEAD:refs/for/master'], { cwd: dir, timeoutMs: 180_000 });
  assert.match(viaProxy.stderr, /\/c\/big\/\+\/\d+ Add a large blob \[NEW\]/);
  const push = stand.gerrit.received.filter((h) => h.url.endsWith('/git-receive-pack') && h.method === 'POST').at(-1);
  assert.equal(push?.headers['transfer-encoding'], 'chunked', 'git streams large packs chunked');

  // The same push straight to the stand-in, for comparison (not asserted: no timing assertions).
  const direct = await createGitSandbox('[http]\n\textraHeader = X-Forwarded-User: bob\n');
  try {
    await stand.gerrit.createProject('big-direct');
    const d = direct.dir('direct');
    await direct.ok(['clone', '-q', `${stand.gerrit.url}/big-direct`, d]);
    await installHook(d, COMMIT_MSG_HOOK);
    await commitFile(direct, d, 'blob.bin', randomBytes(20 * 1024 * 1024), 'Add a large blob');
    const straight = await direct.ok(['push', 'origin', 'HEAD:refs/for/master'], { cwd: d, timeoutMs: 180_000 });
    // Fetch each 20 MiB change back into a fresh clone: the download direction.
    const proxyChange = stand.gerrit.pushes.find((p) => p.project === project)?.changes[0];
    const directChange = stand.gerrit.pushes.find((p) => p.project === 'big-direct')?.changes[0];
    const fetchVia = async (sandbox: GitSandbox, url: string, change: number | undefined): Promise<number> => {
      const into = sandbox.dir('fetch');
      await sandbox.ok(['clone', '-q', url, into], { timeoutMs: 180_000 });
      const ref = stand.gerrit.changes.get(change ?? -1)?.patchSets[0]?.ref ?? '';
      return (await sandbox.ok(['fetch', '-q', 'origin', ref], { cwd: into, timeoutMs: 180_000 })).ms;
    };
    const fetchProxy = await fetchVia(git, withCredentials(`${stand.base}/${project}`, 'bob', token), proxyChange);
    const fetchDirect = await fetchVia(direct, `${stand.gerrit.url}/big-direct`, directChange);
    t.diagnostic(`20 MiB push to refs/for/master: proxy ${Math.round(viaProxy.ms)} ms, direct ${Math.round(straight.ms)} ms`);
    t.diagnostic(`20 MiB fetch of the change: proxy ${Math.round(fetchProxy)} ms, direct ${Math.round(fetchDirect)} ms`);
  } finally {
    await direct.dispose();
  }
});
