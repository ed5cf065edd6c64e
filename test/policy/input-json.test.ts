// The policy input's JSON and the decision cache key, built from parts: the JSON must be the input
// document exactly, and the key must tell apart any two inputs that differ in more than the
// request id.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decisionKey, inputJson, SubjectTable } from '../../src/policy/input-json.js';
import { Recent } from '../../src/policy/recent.js';
import type { PolicyInput } from '../../src/policy/types.js';

const base = (): PolicyInput => ({
  subject: { id: 'u', email: 'u@example.test', username: 'u', groups: ['g'], roles: ['viewer'], via: 'oidc', human: true },
  action: 'gerrit.read',
  resource: { upstream: 'gerrit', project: 'p', nested: { list: [1, 'two', null] } },
  request: { method: 'GET', path: '/changes/', ip: '127.0.0.1', requestId: 'r1' },
});

function json(input: PolicyInput, table = new SubjectTable()): string {
  return inputJson(table.entry(input.subject), input, JSON.stringify(input.resource));
}

function key(input: PolicyInput, table: SubjectTable): string {
  return decisionKey(table.entry(input.subject), input, JSON.stringify(input.resource));
}

test('the input JSON is the input document, whatever the strings hold', () => {
  const awkward: PolicyInput = {
    ...base(),
    action: 'a"b\\c',
    request: { method: 'GET', path: '/x\n\u0000\u2028é😀', ip: '::1', requestId: '"' },
  };
  const anonymous: PolicyInput = { ...base(), subject: null };
  for (const input of [base(), awkward, anonymous]) assert.deepEqual(JSON.parse(json(input)), input);
});

test('the key ignores the request id and nothing else', () => {
  const table = new SubjectTable();
  const k = key(base(), table);
  assert.equal(key({ ...base(), request: { ...base().request, requestId: 'r2' } }, table), k);
  const variants: PolicyInput[] = [
    { ...base(), action: 'gerrit.write' },
    { ...base(), request: { ...base().request, method: 'POST' } },
    { ...base(), request: { ...base().request, path: '/changes/1' } },
    { ...base(), request: { ...base().request, ip: '10.0.0.1' } },
    { ...base(), resource: { ...base().resource, project: 'q' } },
    { ...base(), subject: { ...base().subject!, roles: ['viewer', 'admin'] } },
    { ...base(), subject: null },
  ];
  const keys = new Set([k, ...variants.map((v) => key(v, table))]);
  assert.equal(keys.size, variants.length + 1);
});

test('text cannot shift from one field of the key into the next', () => {
  const table = new SubjectTable();
  const a: PolicyInput = { ...base(), action: 'ab', request: { ...base().request, method: 'c' } };
  const b: PolicyInput = { ...base(), action: 'a', request: { ...base().request, method: 'bc' } };
  const c: PolicyInput = { ...base(), action: '2:ab', request: { ...base().request, method: '' } };
  assert.equal(new Set([key(a, table), key(b, table), key(c, table)]).size, 3);
});

test('subjects equal in content share a key; the same object is serialised once', () => {
  const table = new SubjectTable();
  const one = base().subject!;
  const twin = { ...one };
  assert.notEqual(one, twin);
  assert.equal(table.entry(one).id, table.entry(twin).id);
  assert.equal(table.entry(one), table.entry(one));
  assert.notEqual(table.entry({ ...one, id: 'v' }).id, table.entry(one).id);
  assert.equal(table.entry(null).json, 'null');
});

test('Recent forgets the oldest entry beyond its capacity', () => {
  const recent = new Recent<object, number>(2);
  const [a, b, c] = [{}, {}, {}];
  recent.set(a, 1);
  recent.set(b, 2);
  recent.set(c, 3);
  assert.equal(recent.get(a), undefined);
  assert.equal(recent.get(b), 2);
  assert.equal(recent.get(c), 3);
});
