// GerritServiceClient, the loop's change source: against the Gerrit stand-in for what Gerrit
// answers (paging under a Query Limit, statuses, reviews with a tag and a vote), and against a
// server answering whatever a test wants for what a hostile or broken Gerrit might.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startFakeGerrit, XSSI_PREFIX, type FakeGerrit } from '../../../fakes/gerrit/index.js';
import { GerritServiceClient, serviceChange } from '../../../../src/upstreams/gerrit/service/change-source.js';

let gerrit: FakeGerrit;
let client: GerritServiceClient;
const numbers: Record<string, number[]> = {};

function makeChange(project: string, owner: string, extra: { reviewers?: string[]; status?: 'MERGED' | 'ABANDONED'; patchSets?: number } = {}): number {
  const account = gerrit.model.account(owner);
  const sha = () => randomBytes(20).toString('hex');
  const person = { name: `${owner} Person`, email: `${owner}@example.test`, date: '2026-03-01 10:00:00.000000000' };
  const patchSet = { sha: sha(), uploader: account._account_id, created: new Date(Date.UTC(2026, 2, 1)), subject: `Work in ${project}`, message: `Work in ${project}\n\nChange-Id: I${'0'.repeat(40)}\n`, parents: [sha()], author: person, committer: person };
  const change = gerrit.model.createChange({ project, branch: 'main', changeId: `I${randomBytes(20).toString('hex')}`, owner: account._account_id, patchSet });
  for (let i = 1; i < (extra.patchSets ?? 1); i++) gerrit.model.addPatchSet(change, { ...patchSet, sha: sha() });
  for (const r of extra.reviewers ?? []) change.reviewers.add(gerrit.model.account(r)._account_id);
  if (extra.status !== undefined) change.status = extra.status;
  (numbers[project] ??= []).push(change.number);
  return change.number;
}

before(async () => {
  // A Query Limit of 2: every open-change listing takes several pages.
  gerrit = await startFakeGerrit({ projects: ['data/a', 'data/b', 'other'], tokens: { svc: 's3cret-token' }, queryLimit: 2 });
  client = new GerritServiceClient({ url: `${gerrit.url}/`, username: 'svc', token: 's3cret-token' });
  for (let i = 0; i < 5; i++) makeChange('data/a', 'bob', { reviewers: i === 0 ? ['alice', 'carol'] : [], patchSets: i === 0 ? 3 : 1 });
  makeChange('data/a', 'bob', { status: 'MERGED' });
  makeChange('data/a', 'bob', { status: 'ABANDONED' });
  makeChange('data/b', 'alice');
  makeChange('data/b', 'alice');
  makeChange('other', 'alice');
});

after(async () => {
  await gerrit?.close();
});

test('openChanges with exact names follows _more_changes past a Query Limit smaller than its page', async () => {
  const open = await client.openChanges(['data/a', 'data/b']);
  const want = [...numbers['data/a']!.slice(0, 5), ...numbers['data/b']!].sort((x, y) => x - y);
  assert.deepEqual(open.map((c) => c.number), want);
  assert.ok(open.every((c) => c.status === 'OPEN'));
  const first = open.find((c) => c.number === numbers['data/a']![0])!;
  assert.equal(first.patchset, 3);
  assert.equal(first.ref, `refs/changes/${String(first.number % 100).padStart(2, '0')}/${first.number}/3`);
  assert.equal(first.owner, 'bob');
  assert.deepEqual([...first.reviewers].sort(), ['alice', 'carol']);
  assert.equal(first.branch, 'main');
  assert.equal(first.commit.authorEmail, 'bob@example.test');
  assert.equal(first.commit.timestamp, '2026-03-01 10:00:00.000000000');
  assert.match(first.commit.message, /^Work in data\/a/);
  assert.match(first.commit.sha, /^[0-9a-f]{40}$/);
  // Every request went under /a/ with the service account's Basic credentials, none with the token in the URL.
  const queries = gerrit.received.filter((r) => r.url.startsWith('/a/changes/?'));
  assert.ok(queries.length >= 4, `paged: ${queries.length} requests`);
  assert.ok(queries.every((r) => !r.url.includes('s3cret')));
});

test('openChanges with globs asks once for every open change and keeps the matching projects', async () => {
  const before = gerrit.received.length;
  const open = await client.openChanges(['data/*']);
  assert.deepEqual(open.map((c) => c.project).sort(), ['data/a', 'data/a', 'data/a', 'data/a', 'data/a', 'data/b', 'data/b']);
  const urls = gerrit.received.slice(before).map((r) => new URL(r.url, 'http://x').searchParams.get('q'));
  assert.ok(urls.every((q) => q === 'status:open'), urls.join(', '));
  assert.deepEqual(await client.openChanges(['nothing/*']), []);
  assert.equal((await client.openChanges(['*'])).map((c) => c.project).filter((p) => p === 'other').length, 1);
});

test('change(n) says MERGED for a submitted change, CLOSED for an abandoned one, undefined for none', async () => {
  const [merged, abandoned] = [numbers['data/a']![5]!, numbers['data/a']![6]!];
  assert.equal((await client.change(merged))?.status, 'MERGED');
  assert.equal((await client.change(abandoned))?.status, 'CLOSED');
  assert.equal((await client.change(numbers['data/b']![0]!))?.status, 'OPEN');
  assert.equal(await client.change(987654), undefined);
});

test('post() reviews the patch set with the tag, message and vote', async () => {
  const n = numbers['data/b']![0]!;
  await client.post({ change: n, patchset: 1, tag: 'autogenerated:changegate:deployment', message: 'Branch deployment ready', labels: { Verified: 1 } });
  const change = gerrit.changes.get(n)!;
  const last = change.messages.at(-1)!;
  assert.equal(last.tag, 'autogenerated:changegate:deployment');
  assert.match(last.message, /Branch deployment ready/);
  assert.equal(change.votes.get('Verified')?.get(gerrit.model.account('svc')._account_id)?.value, 1);
  await assert.rejects(client.post({ change: 987654, patchset: 1, tag: 't', message: 'm' }), /Gerrit refused the review on change 987654 patch set 1: 404/);
});

test('fetchUrl goes under /a/ with each path segment encoded, and no credentials', () => {
  assert.equal(client.fetchUrl('data/a'), `${gerrit.url}/a/data/a`);
  assert.equal(client.fetchUrl('we ird/p?#'), `${gerrit.url}/a/we%20ird/p%3F%23`);
  assert.ok(!client.fetchUrl('x').includes('s3cret'));
  assert.equal(client.fetchAuthorization(), `Basic ${Buffer.from('svc:s3cret-token').toString('base64')}`);
});

/** A server that answers every request with what `reply` says. */
async function scripted(reply: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(reply);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function changeInfo(n: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  const sha = n.toString(16).padStart(40, 'a');
  return {
    _number: n,
    change_id: `I${sha}`,
    project: 'data/a',
    branch: 'refs/heads/main',
    status: 'NEW',
    owner: { _account_id: 1, username: 'bob' },
    current_revision: sha,
    revisions: { [sha]: { _number: 1, ref: `refs/changes/${String(n % 100).padStart(2, '0')}/${n}/1`, commit: { author: { name: 'B', email: 'b@x', date: '2026-01-01 00:00:00.000000000' }, subject: 'S', message: 'S\n' } } },
    ...over,
  };
}

test('malformed and hostile ChangeInfo entries are left out, the whole ones kept', async () => {
  const entries: unknown[] = [
    changeInfo(1),
    null,
    'change',
    [],
    changeInfo(2, { _number: -2 }),
    changeInfo(3, { _number: 2 ** 53 }),
    changeInfo(4, { change_id: 'I-not-hex' }),
    changeInfo(5, { project: '' }),
    changeInfo(6, { project: 'x'.repeat(2000) }),
    changeInfo(7, { status: 'DRAFT' }),
    changeInfo(8, { current_revision: '../../etc/passwd' }),
    changeInfo(9, { revisions: {} }),
    changeInfo(10, { owner: { _account_id: 1 } }),
    changeInfo(11, { revisions: { [(11).toString(16).padStart(40, 'a')]: { _number: 1, ref: 'refs/heads/main', commit: {} } } }),
    changeInfo(12, { revisions: { [(12).toString(16).padStart(40, 'a')]: { _number: 1, ref: '--upload-pack=touch /tmp/x', commit: {} } } }),
    changeInfo(13, { reviewers: { REVIEWER: [{ username: 'alice' }, { _account_id: 5 }, 7, { email: 'eve@x' }], CC: [{ username: 'cc' }] } }),
    changeInfo(14, { __proto__: { polluted: true }, branch: 'plain' }),
  ];
  const server = await scripted((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(XSSI_PREFIX + JSON.stringify(entries));
  });
  try {
    const c = new GerritServiceClient({ url: server.url, username: 'svc', token: 't' });
    const got = await c.openChanges(['data/a']);
    assert.deepEqual(got.map((x) => x.number), [1, 13, 14]);
    assert.deepEqual(got.find((x) => x.number === 13)?.reviewers, ['alice', 'eve@x']);
    assert.equal(got.find((x) => x.number === 14)?.branch, 'plain');
    assert.equal(got[0]?.branch, 'main');
    assert.equal(serviceChange(undefined), undefined);
  } finally {
    await server.close();
  }
});

test('a 500 from Gerrit is an error with the status; an answer that is not a list is an error', async () => {
  let mode: 'error' | 'object' | 'garbage' = 'error';
  const server = await scripted((_req, res) => {
    if (mode === 'error') {
      res.statusCode = 500;
      res.end('Internal server error');
    } else res.end(mode === 'object' ? `${XSSI_PREFIX}{"a":1}` : 'not json at all');
  });
  try {
    const c = new GerritServiceClient({ url: server.url, username: 'svc', token: 't' });
    await assert.rejects(c.openChanges(['data/a']), /Gerrit answered 500 to the change query "status:open project:data\/a": Internal server error/);
    await assert.rejects(c.change(5), /Gerrit answered 500/);
    mode = 'object';
    await assert.rejects(c.openChanges(['data/a']), /not a list of changes/);
    mode = 'garbage';
    await assert.rejects(c.openChanges(['data/a']));
  } finally {
    await server.close();
  }
});

test('an answer over maxBytes is refused (and not read to its end)', async () => {
  let written = 0;
  const server = await scripted((_req, res) => {
    res.setHeader('content-type', 'application/json');
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      // A Gerrit that never stops: bounded by the client, not by the server.
      while (written < 64 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
      if (written < 64 * 1024 * 1024) res.once('drain', pump);
      else res.end();
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  });
  try {
    const c = new GerritServiceClient({ url: server.url, username: 'svc', token: 't', maxBytes: 256 * 1024 });
    await assert.rejects(c.openChanges(['data/a']), /larger than 262144 bytes/);
    assert.ok(written < 64 * 1024 * 1024, 'the client stopped reading');
  } finally {
    await server.close();
  }
});

test('a Gerrit that does not answer is an error after timeoutMs', async () => {
  const server = await scripted(() => undefined);
  try {
    const c = new GerritServiceClient({ url: server.url, username: 'svc', token: 't', timeoutMs: 200 });
    await assert.rejects(c.openChanges(['data/a']), (e: Error) => e.name === 'TimeoutError' || /abort|timeout/i.test(e.message));
  } finally {
    await server.close();
  }
});
