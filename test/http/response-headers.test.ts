// Response headers on their way back to the client: hop-by-hop headers and the headers that
// Connection names are dropped, cookies the proxy owns never come from an upstream.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientResponseHeaders } from '../../src/http/response-headers.js';

const keepAll = (): boolean => false;

test('Connection: keep-alive names no header: only the hop-by-hop headers go', () => {
  const out = clientResponseHeaders({ 'content-type': 'text/plain', connection: 'Keep-Alive', 'keep-alive': 'timeout=5', 'x-a': '1' }, [], keepAll);
  assert.deepEqual(out, { 'content-type': 'text/plain', 'x-a': '1' });
});

test('headers that Connection names are dropped, whatever else it says', () => {
  const out = clientResponseHeaders({ connection: 'close, X-Secret-Hop', 'x-secret-hop': 'v', 'x-a': '1' }, [], keepAll);
  assert.deepEqual(out, { 'x-a': '1' });
  const listed = clientResponseHeaders({ connection: ['keep-alive', 'x-b'], 'x-b': 'v', 'x-a': '1' } as unknown as Record<string, string[]>, [], keepAll);
  assert.deepEqual(listed, { 'x-a': '1' });
});

test('without cookies on either side there is no set-cookie; ours go first, dropped ones never pass', () => {
  assert.equal('set-cookie' in clientResponseHeaders({ 'x-a': '1' }, [], keepAll), false);
  const out = clientResponseHeaders({ 'set-cookie': ['up=1; Path=/', 'changegate_session=evil'] }, ['changegate_session=ours'], (name) => name === 'changegate_session');
  assert.deepEqual(out['set-cookie'], ['changegate_session=ours', 'up=1; Path=/']);
});
