// REST classification through a real HTTP server: the raw path goes through the proxy's own
// normalization, then the Gerrit classifier. Table-driven; the submit path is tried in every
// spelling we know of.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GerritChangeSource } from '../../../src/upstreams/gerrit/changes.js';
import { classifyVia, startClassifyServer, type ClassifyServer } from './classify-server.js';
import { changeInfo, startFakeRest, type FakeRest } from './fake-rest.js';

let rest: FakeRest;
let server: ClassifyServer;

const KEY = 'I0123456789abcdef0123456789abcdef01234567';

before(async () => {
  rest = await startFakeRest();
  const one = changeInfo(1, 'alice', [['bob', 2, 2]]);
  for (const name of ['1', 'p~1', 'external/bison~1', `p~main~${KEY}`, `p~refs/heads/main~${KEY}`, KEY, 'abcdef1']) rest.changes.set(name, one);
  const changes = new GerritChangeSource({ url: rest.url, serviceAccount: { username: 'svc', token: 'svc-token' }, usernameHeader: 'X-Forwarded-User' });
  server = await startClassifyServer({ pathPrefix: '/', maxClassifiedBodyBytes: 4096, changes });
});

after(async () => {
  await server.close();
  await rest.close();
});

type Vector = [method: string, path: string, action: string];

const SUBMIT_SPELLINGS: string[] = [
  '/changes/1/submit',
  '/a/changes/1/submit',
  '/changes/1/submit/',
  '/a/changes/1/submit/',
  '/changes/p~1/submit',
  '/changes/external%2Fbison~1/submit',
  '/changes/external%2fbison~1/submit',
  `/changes/p~main~${KEY}/submit`,
  `/changes/p~refs%2Fheads%2Fmain~${KEY}/submit`,
  `/changes/${KEY}/submit`,
  '/changes/abcdef1/submit',
  '/changes/1/revisions/current/submit',
  '/a/changes/1/revisions/current/submit',
  '/changes/1/revisions/1/submit',
  '/changes/1/revisions/abcdef12/submit/',
  '/changes/%31/submit',
  '/changes/1/%73ubmit',
  '/changes/1/%73%75%62%6D%69%74',
  '/changes/1/./submit',
  '/changes/1/x/../submit',
  '/changes/1/x/%2e%2E/submit',
  '//changes//1///submit',
  '/a//changes/1/submit',
  '/x/../a/changes/1/submit',
  '/changes/1/submit?$m=POST',
  '/changes/1/submit?foo=bar',
];

for (const path of SUBMIT_SPELLINGS) {
  test(`submit spelled ${path}`, async () => {
    const c = await classifyVia(server, path, { method: 'POST', user: 'bob,reviewer' });
    assert.equal(c.action, 'gerrit.change.submit', JSON.stringify(c));
    assert.equal(c.change?.['number'], 1);
    assert.equal(c.change?.['project'], 'p');
  });
}

const NOT_A_SUBMIT_BUT_DENIED: Vector[] = [
  ['POST', '/changes/1/SUBMIT', 'gerrit.write.unknown'],
  ['POST', '/changes/1/submit%2F', 'gerrit.write.unknown'],
  ['POST', '/changes/1%2Fsubmit', 'gerrit.write.unknown'],
  ['POST', '/changes/1/revisions%2Fcurrent%2Fsubmit', 'gerrit.write.unknown'],
  ['PUT', '/changes/1/submit', 'gerrit.write.unknown'],
  ['POST', '/changes/1/submit?$m=PUT', 'gerrit.write.unknown'],
  ['POST', '/changes/1/submit?%24m=DELETE', 'gerrit.write.unknown'],
  ['POST', '/changes/1/submit?$m=PUT&$m=POST', 'gerrit.write.unknown'],
  ['GET', '/changes/1/submit?$m=POST', 'gerrit.write.unknown'],
  ['POST', '/changes/1/revisions/current/submit?$m=DELETE', 'gerrit.write.unknown'],
  ['PATCH', '/changes/1', 'gerrit.write.unknown'],
  ['POST', '/changes/1/plugin~view', 'gerrit.write.unknown'],
  ['POST', '/access/', 'gerrit.write.unknown'],
  ['POST', '/foo/bar', 'gerrit.write.unknown'],
  ['POST', '/', 'gerrit.write.unknown'],
];

const TABLE: Vector[] = [
  ...NOT_A_SUBMIT_BUT_DENIED,
  ['GET', '/', 'gerrit.read'],
  ['GET', '/changes/?q=status:open', 'gerrit.read'],
  ['GET', '/a/changes/1?o=LABELS', 'gerrit.read'],
  ['OPTIONS', '/changes/1', 'gerrit.read'],
  ['GET', '/tools/hooks/commit-msg', 'gerrit.read'],
  ['POST', '/changes/1/check.submit_requirement', 'gerrit.read'],
  ['POST', '/changes/1/revisions/current/test.submit_rule', 'gerrit.read'],
  ['POST', '/changes/', 'gerrit.change.create'],
  ['POST', '/a/changes', 'gerrit.change.create'],
  ['POST', '/changes/1/revert', 'gerrit.change.create'],
  ['POST', '/changes/1/revert_submission', 'gerrit.change.create'],
  ['POST', '/changes/1/merge', 'gerrit.change.create'],
  ['POST', '/changes/1/patch:apply', 'gerrit.change.create'],
  ['POST', '/changes/1/edit:publish', 'gerrit.change.create'],
  ['POST', '/changes/1/revisions/current/cherrypick', 'gerrit.change.create'],
  ['POST', '/projects/p/create.change', 'gerrit.change.create'],
  ['POST', '/changes/1/abandon', 'gerrit.change.update'],
  ['POST', '/changes/1/restore', 'gerrit.change.update'],
  ['POST', '/changes/1/rebase', 'gerrit.change.update'],
  ['POST', '/changes/1/move', 'gerrit.change.update'],
  ['DELETE', '/changes/1', 'gerrit.change.update'],
  ['POST', '/changes/1?$m=DELETE', 'gerrit.change.update'],
  ['POST', '/changes/1/wip', 'gerrit.change.update'],
  ['POST', '/changes/1/ready', 'gerrit.change.update'],
  ['POST', '/changes/1/private', 'gerrit.change.update'],
  ['POST', '/changes/1/private.delete', 'gerrit.change.update'],
  ['PUT', '/changes/1/topic', 'gerrit.change.update'],
  ['POST', '/changes/1/topic?$m=DELETE', 'gerrit.change.update'],
  ['POST', '/changes/1/hashtags', 'gerrit.change.update'],
  ['PUT', '/changes/1/message', 'gerrit.change.update'],
  ['POST', '/changes/1/reviewers', 'gerrit.change.update'],
  ['DELETE', '/changes/1/reviewers/bob', 'gerrit.change.update'],
  ['POST', '/changes/1/reviewers/bob/delete', 'gerrit.change.update'],
  ['POST', '/changes/1/attention', 'gerrit.change.update'],
  ['POST', '/changes/1/attention/bob/delete', 'gerrit.change.update'],
  ['PUT', '/changes/1/edit/src%2Fmain.c', 'gerrit.change.update'],
  ['PUT', '/changes/1/revisions/current/drafts', 'gerrit.change.update'],
  ['PUT', '/changes/1/revisions/current/files/a.c/reviewed', 'gerrit.change.update'],
  ['DELETE', '/changes/1/reviewers/bob/votes/Code-Review', 'gerrit.change.vote.delete'],
  ['POST', '/changes/1/reviewers/bob/votes/Code-Review/delete', 'gerrit.change.vote.delete'],
  ['POST', '/changes/1/reviewers/bob/votes/Code-Review?$m=DELETE', 'gerrit.change.vote.delete'],
  ['DELETE', '/changes/1/revisions/current/reviewers/bob/votes/Verified', 'gerrit.change.vote.delete'],
  ['PUT', '/projects/newproj', 'gerrit.project.admin'],
  ['PUT', '/projects/a%2Fb', 'gerrit.project.admin'],
  ['POST', '/projects/p/access', 'gerrit.project.admin'],
  ['PUT', '/projects/p/config', 'gerrit.project.admin'],
  ['PUT', '/projects/p/parent', 'gerrit.project.admin'],
  ['PUT', '/projects/p/labels/Code-Review', 'gerrit.project.admin'],
  ['POST', '/projects/p/submit_requirements/', 'gerrit.project.admin'],
  ['PUT', '/projects/p/branches/stable', 'gerrit.project.admin'],
  ['POST', '/projects/p/branches/stable?$m=PUT', 'gerrit.project.admin'],
  ['POST', '/projects/p/branches:delete', 'gerrit.project.admin'],
  ['DELETE', '/projects/p/tags/v1', 'gerrit.project.admin'],
  ['PUT', '/projects/p/HEAD', 'gerrit.project.admin'],
  ['PUT', '/projects/p/ban', 'gerrit.project.admin'],
  ['POST', '/projects/p/gc', 'gerrit.project.admin'],
  ['POST', '/projects/p/unknownview', 'gerrit.write.unknown'],
  ['PUT', '/groups/admins', 'gerrit.group.admin'],
  ['POST', '/groups/admins/members.add', 'gerrit.group.admin'],
  ['DELETE', '/groups/admins/members/bob', 'gerrit.group.admin'],
  ['PUT', '/config/server/preferences', 'gerrit.server.admin'],
  ['POST', '/config/server/caches/', 'gerrit.server.admin'],
  ['PUT', '/plugins/evil.jar', 'gerrit.server.admin'],
  ['POST', '/plugins/x/gerrit~reload', 'gerrit.server.admin'],
  ['PUT', '/accounts/newuser', 'gerrit.account.admin'],
  ['PUT', '/accounts/self/preferences', 'gerrit.account.update'],
];

for (const [method, path, action] of TABLE) {
  test(`${method} ${path} -> ${action}`, async () => {
    const c = await classifyVia(server, path, { method, user: 'bob,reviewer' });
    assert.equal(c.action, action, JSON.stringify(c));
  });
}

const CREDENTIALS: Array<[method: string, path: string, user: string, self: boolean]> = [
  ['PUT', '/accounts/self/password.http', 'bob', true],
  ['POST', '/accounts/self/password.http?$m=PUT', 'bob', true],
  ['DELETE', '/a/accounts/self/password.http', 'bob', true],
  ['PUT', '/accounts/bob/tokens/t1', 'bob', true],
  ['POST', '/accounts/bob%40example.com/sshkeys', 'bob', true],
  ['PUT', '/accounts/alice/password.http', 'bob', false],
  ['POST', '/accounts/1000001/sshkeys', 'bob', false],
  ['DELETE', '/accounts/alice/tokens/t1', 'bob', false],
];

for (const [method, path, user, self] of CREDENTIALS) {
  test(`credentials ${method} ${path} as ${user}: self=${self}`, async () => {
    const c = await classifyVia(server, path, { method, user: `${user},reviewer` });
    assert.equal(c.action, 'gerrit.account.credentials');
    assert.equal((c.resource?.['account'] as { self: boolean }).self, self);
  });
}

test('the vote being deleted, and whose it is, are on the resource', async () => {
  const c = await classifyVia(server, '/changes/1/reviewers/self/votes/Code-Review', { method: 'DELETE', user: 'bob,reviewer' });
  assert.equal(c.resource?.['label'], 'Code-Review');
  assert.deepEqual(c.resource?.['account'], { id: 'self', self: true });
});

test('a raw ; in the path is refused before classification (servlet path parameters)', async () => {
  const c = await classifyVia(server, '/a/changes/1/submit;x', { method: 'POST', user: 'bob,reviewer' });
  assert.equal(c.status, 400);
});

test('an unparseable change id is 400, not a guess', async () => {
  const c = await classifyVia(server, '/changes/not-a-change/submit', { method: 'POST', user: 'bob,reviewer' });
  assert.equal(c.status, 400);
  assert.equal(c.error, 'bad_request');
});

test('a read naming no valid change is still a read (Gerrit answers 404)', async () => {
  const c = await classifyVia(server, '/changes/slow?ms=600', { user: 'bob,viewer' });
  assert.equal(c.action, 'gerrit.read');
  assert.equal(c.change, undefined);
});

test('form-encoded writes are refused: a form could carry a $m or votes we never inspect', async () => {
  for (const path of ['/a/changes/1/topic', '/changes/1/reviewers']) {
    const c = await classifyVia(server, path, { method: 'POST', body: '$m=DELETE', headers: { 'content-type': 'application/x-www-form-urlencoded' }, user: 'bob,reviewer' });
    assert.equal(c.error, 'bad_body', path);
  }
  const read = await classifyVia(server, '/changes/?q=1', { user: 'bob' });
  assert.equal(read.action, 'gerrit.read');
});
