// The default policy compiled to Wasm and run by the real engine, on what the classifier
// produces: the decisions issue 5 asks for, including the ci ones kept out of the Rego tests.

import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { PolicyEngine } from '../../../src/policy/engine.js';
import { loadPolicy } from '../../../src/policy/load.js';
import type { PolicyInput, SubjectInput } from '../../../src/policy/types.js';
import { packageRoot } from '../../../src/util/package-root.js';

const engine = new PolicyEngine({ cacheSize: 0, cacheTtlMs: 0 });

before(async () => {
  const loaded = await loadPolicy({ path: path.join(packageRoot(), 'policies'), entrypoint: 'changegate/decision' });
  assert.deepEqual(loaded.tests.filter((t) => !t.passed).map((t) => t.name), [], 'the policy tests pass');
  engine.swap(loaded.snapshot);
});

const ci: SubjectInput = { id: 'ci-runner', username: 'ci-runner', groups: [], roles: ['ci'], via: 'bearer', human: false };
const bob: SubjectInput = { id: 'bob', username: 'bob', groups: [], roles: ['viewer', 'reviewer'], via: 'pat', human: true };

function decide(subject: SubjectInput | null, action: string, resource: Record<string, unknown>) {
  const input: PolicyInput = { subject, action, resource: { upstream: 'gerrit', ...resource }, request: { method: 'POST', path: '/x', ip: '127.0.0.1', requestId: 't' } };
  return engine.decide(input);
}

const change = { number: 7, project: 'p', branch: 'refs/heads/main', status: 'NEW', owner: { account_id: 1, username: 'alice', email: null } };
const review = (labels: Record<string, number>, extra: Record<string, unknown> = {}) => ({ labels, on_behalf_of: null, reviewers: [], ready: false, work_in_progress: false, drafts: null, ...extra });

test('ci reads Gerrit', () => {
  assert.deepEqual(decide(ci, 'gerrit.read', {}).reasons, ['gerrit_read_ci']);
});

test('ci votes Verified, and nothing else', () => {
  assert.equal(decide(ci, 'gerrit.change.review', { change, review: review({ Verified: 1 }) }).allow, true);
  assert.equal(decide(ci, 'gerrit.change.review', { change, review: review({ Verified: -1 }) }).allow, true);
  assert.equal(decide(ci, 'gerrit.change.review', { change, review: review({ 'Code-Review': 1 }) }).allow, false);
  assert.equal(decide(ci, 'gerrit.change.review', { change, review: review({ Verified: 1 }, { ready: true }) }).allow, false);
  assert.equal(decide(ci, 'gerrit.change.submit', { change, labels: {} }).allow, false);
  assert.equal(decide(ci, 'gerrit.push.review', { dangerous_options: [], unknown_options: [] }).allow, false);
});

test('the Wasm policy agrees on the four-eyes submit rule', () => {
  const votes = (v: Array<[number, string, number]>) => ({ 'Code-Review': { max: Math.max(0, ...v.map((x) => x[2])), min: Math.min(0, ...v.map((x) => x[2])), votes: v.map(([id, u, value]) => ({ account_id: id, username: u, email: null, value })) } });
  assert.equal(decide(bob, 'gerrit.change.submit', { change, labels: votes([[2, 'bob', 2]]), on_behalf_of: null }).allow, true);
  assert.equal(decide(bob, 'gerrit.change.submit', { change, labels: votes([[1, 'alice', 2]]), on_behalf_of: null }).allow, false);
  assert.equal(decide(bob, 'gerrit.change.submit', { change, labels: votes([[2, 'bob', 2], [3, 'c', -2]]), on_behalf_of: null }).allow, false);
});

test('anonymous gets nothing', () => {
  assert.equal(decide(null, 'gerrit.read', {}).allow, false);
});
