// The change source on its own: cache hits, invalidation by any name, the XSSI guard.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseGerritJson, changeFacts } from '../../../src/upstreams/gerrit/change-info.js';
import { GerritChangeSource } from '../../../src/upstreams/gerrit/changes.js';
import { changeInfo, startFakeRest, type FakeRest } from './fake-rest.js';

let rest: FakeRest;

before(async () => {
  rest = await startFakeRest();
  rest.changes.set('p~5', changeInfo(5, 'alice', [['bob', 2, 2]]));
  rest.changes.set('5', changeInfo(5, 'alice', [['bob', 2, 2]]));
});

after(() => rest.close());

test('a second lookup within the TTL is served from the cache; invalidation by number drops every name', async () => {
  const source = new GerritChangeSource({ url: rest.url, serviceAccount: { username: 'svc', token: 't' }, ttlMs: 60_000 });
  const start = rest.requests.length;
  await source.get('p~5');
  await source.get('p~5');
  await source.get('5');
  assert.equal(rest.requests.length - start, 2);
  source.invalidate('other', 5);
  await source.get('p~5');
  await source.get('5');
  assert.equal(rest.requests.length - start, 4);
});

test('invalidation by one cached name alone drops the other names of the same change', async () => {
  const source = new GerritChangeSource({ url: rest.url, serviceAccount: { username: 'svc', token: 't' }, ttlMs: 60_000 });
  await source.get('p~5');
  await source.get('5');
  const start = rest.requests.length;
  source.invalidate('p~5');
  await source.get('5');
  assert.equal(rest.requests.length - start, 1, 'the number was dropped with its alias');
});

test('the XSSI guard is stripped and the facts extracted', () => {
  const facts = changeFacts(parseGerritJson(`)]}'\n${JSON.stringify(changeInfo(3, 'alice', [['bob', 2, 2], ['carol', 3, 0]]))}`));
  assert.equal(facts?.number, 3);
  assert.equal(facts?.owner.username, 'alice');
  assert.deepEqual(facts?.labels['Code-Review'], { max: 2, min: 0, votes: [{ account_id: 2, username: 'bob', email: null, value: 2 }] });
});

test('a ChangeInfo without number or project is not facts', () => {
  assert.equal(changeFacts({ project: 'p' }), undefined);
  assert.equal(changeFacts([]), undefined);
});

test('Gerrit unreachable: a clear upstream_unavailable', async () => {
  const source = new GerritChangeSource({ url: 'http://127.0.0.1:1', serviceAccount: { username: 'svc', token: 't' }, timeoutMs: 2000 });
  await assert.rejects(source.get('p~5'), (e: unknown) => e instanceof Error && 'code' in e && e.code === 'upstream_unavailable');
});
