// The change source on its own: a fresh answer every time, the XSSI guard, failing closed.

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

test('every lookup asks Gerrit: a write is decided on the change as it is now', async () => {
  const source = new GerritChangeSource({ url: rest.url, serviceAccount: { username: 'svc', token: 't' } });
  const start = rest.requests.length;
  assert.equal((await source.get('p~5')).number, 5);
  rest.changes.set('p~5', changeInfo(5, 'alice', [['bob', 2, -1]]));
  const again = await source.get('p~5');
  assert.equal(rest.requests.length - start, 2);
  assert.deepEqual(again.labels['Code-Review']?.votes.map((v) => v.value), [-1]);
  rest.changes.set('p~5', changeInfo(5, 'alice', [['bob', 2, 2]]));
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
