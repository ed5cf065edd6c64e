// Review and submit bodies, and the change data decisions are made on: read from a real
// loopback Gerrit REST stand-in with the service account, asked afresh for every write, failing closed.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GerritChangeSource } from '../../../src/upstreams/gerrit/changes.js';
import { classifyVia, sha256, startClassifyServer, type ClassifyServer } from './classify-server.js';
import { changeInfo, startFakeRest, type FakeRest } from './fake-rest.js';

let rest: FakeRest;
let server: ClassifyServer;
let bare: ClassifyServer;

const REVIEW = '/a/changes/p~7/revisions/current/review';
const JSON_TYPE = { 'content-type': 'application/json; charset=UTF-8' };

before(async () => {
  rest = await startFakeRest();
  rest.changes.set('p~7', changeInfo(7, 'alice', [['bob', 2, 2], ['carol', 3, -1]], { labels: { 'Code-Review': { all: [{ _account_id: 2, username: 'bob', value: 2 }, { _account_id: 3, username: 'carol', value: -1 }] }, Verified: { all: [{ _account_id: 9, username: 'ci', value: 1 }] } } }));
  const changes = new GerritChangeSource({ url: rest.url, serviceAccount: { username: 'svc', token: 'svc-token' }, usernameHeader: 'X-Forwarded-User' });
  server = await startClassifyServer({ pathPrefix: '/', maxClassifiedBodyBytes: 2048, changes });
  bare = await startClassifyServer({ pathPrefix: '/', maxClassifiedBodyBytes: 2048 });
});

after(async () => {
  await server.close();
  await bare.close();
  await rest.close();
});

function review(body: string, headers: Record<string, string> = JSON_TYPE, chunks?: number) {
  return classifyVia(server, REVIEW, { method: 'POST', body, headers, user: 'bob,reviewer', ...(chunks === undefined ? {} : { chunks }) });
}

test('labels, on_behalf_of, reviewers, ready and drafts are read from the body', async () => {
  const body = JSON.stringify({ message: 'lgtm', labels: { 'Code-Review': 2, Verified: 1 }, on_behalf_of: 'carol', reviewers: [{ reviewer: 'dave' }], ready: true, drafts: 'PUBLISH_ALL_REVISIONS' });
  const c = await review(body);
  assert.equal(c.action, 'gerrit.change.review');
  assert.deepEqual(c.resource?.['review'], {
    labels: { 'Code-Review': 2, Verified: 1 },
    on_behalf_of: 'carol',
    reviewers: ['dave'],
    ready: true,
    work_in_progress: false,
    drafts: 'PUBLISH_ALL_REVISIONS',
    tag: null,
    has_message: true,
    has_comments: false,
  });
  assert.equal(c.bodyKind, 'buffered');
  assert.equal(c.bodySha256, sha256(Buffer.from(body)), 'the same bytes are forwarded');
});

const VOTES: Array<[string, number]> = [
  ['{"labels":{"Code-Review":2}}', 2],
  ['{"labels":{"code-review":2}}', 2],
  ['{"labels":{"CODE-REVIEW":2.0}}', 2],
  ['{"labels":{"Code-Review":-2}}', -2],
  ['{"labels":{"Code-Review":2e0}}', 2],
];

for (const [body, want] of VOTES) {
  test(`vote spelled ${body} is Code-Review ${want}`, async () => {
    const c = await review(body);
    assert.equal((c.resource?.['review'] as { labels: Record<string, number> }).labels['Code-Review'], want);
  });
}

const REFUSED: Array<[name: string, body: string, headers: Record<string, string>, error: string]> = [
  ['lenient JSON Gson would read', "{labels:{'Code-Review':2}}", JSON_TYPE, 'bad_body'],
  ['a comment in JSON', '{"labels":{"Code-Review":2}/*x*/}', JSON_TYPE, 'bad_body'],
  ['trailing data Gson would ignore', '{"labels":{"Code-Review":2}} {"x":1}', JSON_TYPE, 'bad_body'],
  ['a fractional vote', '{"labels":{"Code-Review":1.5}}', JSON_TYPE, 'bad_body'],
  ['a word as vote', '{"labels":{"Code-Review":"two"}}', JSON_TYPE, 'bad_body'],
  ['a vote as a string Gson would read', '{"labels":{"Code-Review":"+2"}}', JSON_TYPE, 'bad_body'],
  ['a padded vote string', '{"labels":{"Code-Review":" 2 "}}', JSON_TYPE, 'bad_body'],
  ['a vote Gson wraps to a negative short', '{"labels":{"Code-Review":65535}}', JSON_TYPE, 'bad_body'],
  ['a null vote', '{"labels":{"Verified":null}}', JSON_TYPE, 'bad_body'],
  ['a boolean vote', '{"labels":{"Verified":true}}', JSON_TYPE, 'bad_body'],
  ['one label in two spellings', '{"labels":{"Code-Review":1,"code-review":2}}', JSON_TYPE, 'bad_body'],
  ['a custom label in two spellings', '{"labels":{"Foo":1,"FOO":-1}}', JSON_TYPE, 'bad_body'],
  ['labels as an array', '{"labels":[2]}', JSON_TYPE, 'bad_body'],
  ['labels as pairs Gson reads as a map', '{"labels":[["Code-Review",2]]}', JSON_TYPE, 'bad_body'],
  ['ready as a string', '{"ready":"true"}', JSON_TYPE, 'bad_body'],
  ['ready as a number', '{"ready":1}', JSON_TYPE, 'bad_body'],
  ['work_in_progress as a string', '{"work_in_progress":"TRUE"}', JSON_TYPE, 'bad_body'],
  ['on_behalf_of as a number', '{"on_behalf_of":1000001}', JSON_TYPE, 'bad_body'],
  ['on_behalf_of as a boolean', '{"on_behalf_of":true}', JSON_TYPE, 'bad_body'],
  ['tag as a number', '{"tag":7}', JSON_TYPE, 'bad_body'],
  ['message as a number', '{"message":7}', JSON_TYPE, 'bad_body'],
  ['drafts in lower case Gson ignores', '{"drafts":"publish_all_revisions"}', JSON_TYPE, 'bad_body'],
  ['drafts as a number', '{"drafts":1}', JSON_TYPE, 'bad_body'],
  ['reviewers as an object', '{"reviewers":{"reviewer":"dave"}}', JSON_TYPE, 'bad_body'],
  ['a reviewer as a bare string', '{"reviewers":["dave"]}', JSON_TYPE, 'bad_body'],
  ['a reviewer as a number', '{"reviewers":[{"reviewer":1000002}]}', JSON_TYPE, 'bad_body'],
  ['a reviewer object without a name', '{"reviewers":[{"toString":1}]}', JSON_TYPE, 'bad_body'],
  ['a reviewer state Gson ignores', '{"reviewers":[{"reviewer":"dave","state":"cc"}]}', JSON_TYPE, 'bad_body'],
  ['comments as pairs', '{"comments":[["a.txt",[]]]}', JSON_TYPE, 'bad_body'],
  ['a JSON array body', '[1]', JSON_TYPE, 'bad_body'],
  ['a JSON string body Gerrit reads as the message', '"hello"', JSON_TYPE, 'bad_body'],
  ['two byte order marks', '\ufeff\ufeff{}', JSON_TYPE, 'bad_body'],
  ['a UTF-16 charset', '{"labels":{"Code-Review":2}}', { 'content-type': 'application/json; charset=utf-16' }, 'bad_body'],
  ['text/plain', '{"labels":{"Code-Review":2}}', { 'content-type': 'text/plain' }, 'bad_body'],
  ['text/plain listing application/json', '{"labels":{"Code-Review":2}}', { 'content-type': 'text/plain, application/json' }, 'bad_body'],
  ['form-encoded', 'labels.Code-Review=2', { 'content-type': 'application/x-www-form-urlencoded' }, 'bad_body'],
  ['gzip-encoded', '{"labels":{}}', { ...JSON_TYPE, 'content-encoding': 'gzip' }, 'bad_body'],
  ['too large', JSON.stringify({ message: 'x'.repeat(5000) }), JSON_TYPE, 'payload_too_large'],
];

for (const [name, body, headers, error] of REFUSED) {
  test(`review body refused: ${name}`, async () => {
    const c = await review(body, headers);
    assert.equal(c.error, error, JSON.stringify(c));
  });
}

test('a refused field is named in the reason and in the body', async () => {
  const c = await review('{"labels":{"Verified":1},"ready":"true"}');
  assert.equal(c.error, 'bad_body');
  assert.match(c.reason ?? '', /"ready"/);
});

const READ_AS: Array<[name: string, body: string, want: Record<string, unknown>]> = [
  // Both Gson and JSON.parse keep the last copy of a repeated field.
  ['a repeated field: the last copy', '{"ready":true,"ready":false}', { ready: false }],
  ['null leaves a primitive false', '{"ready":null,"work_in_progress":null}', { ready: false, work_in_progress: false }],
  // Gson's field names are case-sensitive: "Ready" is no field of ReviewInput.
  ['a field name in another case is ignored, as Gson ignores it', '{"Ready":"true","READY":true}', { ready: false }],
  ['a label named __proto__ stays a label', '{"labels":{"__proto__":1,"Verified":1}}', { labels: { ['__proto__']: 1, Verified: 1 } }],
  ['a label named constructor stays a label', '{"labels":{"constructor":1}}', { labels: { constructor: 1 } }],
  ['reviewers with states', '{"reviewers":[{"reviewer":"dave","state":"CC"},{"reviewer":"erin"}]}', { reviewers: ['dave', 'erin'] }],
];

for (const [name, body, want] of READ_AS) {
  test(`review body read as Gerrit reads it: ${name}`, async () => {
    const c = await review(body);
    assert.equal(c.error, undefined, JSON.stringify(c));
    const facts = c.resource?.['review'] as Record<string, unknown>;
    for (const [k, v] of Object.entries(want)) assert.deepEqual(facts[k], v, k);
  });
}

test('a chunked review body is read whole and forwarded unchanged', async () => {
  const body = JSON.stringify({ labels: { 'Code-Review': 1 }, message: 'm'.repeat(500) });
  const c = await review(body, JSON_TYPE, 7);
  assert.equal(c.action, 'gerrit.change.review');
  assert.equal(c.bodySha256, sha256(Buffer.from(body)));
});

test('a chunked body over the limit is 413 even without Content-Length', async () => {
  const c = await review(JSON.stringify({ message: 'x'.repeat(5000) }), JSON_TYPE, 5);
  assert.equal(c.error, 'payload_too_large');
});

test('submit carries owner, status and the label summary from Gerrit, and stamps the change', async () => {
  const c = await classifyVia(server, '/changes/p~7/submit', { method: 'POST', user: 'bob,reviewer' });
  assert.equal(c.action, 'gerrit.change.submit');
  const change = c.resource?.['change'] as Record<string, unknown>;
  assert.equal(change['owner'] !== undefined && (change['owner'] as { username: string }).username, 'alice');
  assert.equal(change['status'], 'NEW');
  assert.equal(change['branch'], 'refs/heads/main');
  const labels = c.resource?.['labels'] as Record<string, { max: number; min: number; votes: unknown[] }>;
  assert.equal(labels['Code-Review']?.max, 2);
  assert.equal(labels['Code-Review']?.min, -1);
  assert.equal(labels['Verified']?.max, 1);
  assert.deepEqual(c.change, { number: 7, project: 'p', branch: 'refs/heads/main', changeId: 'I0123456789abcdef0123456789abcdef01234567' });
  assert.equal(c.resource?.['on_behalf_of'], null);
  const last = rest.requests.at(-1);
  assert.match(last?.path ?? '', /^\/a\/changes\/p~7\?o=LABELS&o=DETAILED_LABELS&o=CURRENT_REVISION&o=DETAILED_ACCOUNTS$/);
  assert.equal(last?.authorization, `Basic ${Buffer.from('svc:svc-token').toString('base64')}`);
  assert.equal(last?.user, 'svc');
});

test('submit on_behalf_of is read from the body', async () => {
  const c = await classifyVia(server, '/changes/p~7/submit', { method: 'POST', user: 'bob,reviewer', body: '{"on_behalf_of":"carol"}', headers: JSON_TYPE });
  assert.equal(c.resource?.['on_behalf_of'], 'carol');
});

test('every submit asks Gerrit afresh', async () => {
  const before = rest.requests.length;
  await classifyVia(server, '/changes/p~7/submit', { method: 'POST', user: 'bob,reviewer' });
  await classifyVia(server, '/changes/p~7/submit', { method: 'POST', user: 'bob,reviewer' });
  assert.equal(rest.requests.length - before, 2);
});

test('reads of the change never ask Gerrit', async () => {
  const before = rest.requests.length;
  await classifyVia(server, '/changes/p~7/detail', { user: 'bob,viewer' });
  assert.equal(rest.requests.length, before);
});

test('Gerrit failing: the submit fails closed with a reason', async () => {
  rest.failWith = 503;
  try {
    const c = await classifyVia(server, '/changes/p~7/submit', { method: 'POST', user: 'bob,reviewer' });
    assert.equal(c.error, 'upstream_unavailable');
    assert.match(c.reason ?? '', /cannot decide on change p~7: Gerrit answered 503/);
  } finally {
    rest.failWith = undefined;
  }
});

test('an unknown change: 404, not forwarded', async () => {
  const c = await classifyVia(server, '/changes/p~999/submit', { method: 'POST', user: 'bob,reviewer' });
  assert.equal(c.error, 'not_found');
});

test('no service account configured: submit and review fail closed, other writes do not need it', async () => {
  const s = await classifyVia(bare, '/changes/p~7/submit', { method: 'POST', user: 'bob,reviewer' });
  assert.equal(s.error, 'upstream_unavailable');
  const r = await classifyVia(bare, REVIEW, { method: 'POST', body: '{}', headers: JSON_TYPE, user: 'bob,reviewer' });
  assert.equal(r.error, 'upstream_unavailable');
  const a = await classifyVia(bare, '/changes/p~7/abandon', { method: 'POST', user: 'bob,reviewer' });
  assert.equal(a.action, 'gerrit.change.update');
  assert.equal(a.change?.['number'], 7);
});
