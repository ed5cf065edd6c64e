// The decide stage on real compiled policies: what it answers when the policy is broken,
// undefined or malformed, and what the cache keys on.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PolicyEngine } from '../../src/policy/engine.js';
import { compileSources, instantiate } from '../../src/policy/load.js';
import type { PolicyInput } from '../../src/policy/types.js';

async function engineFor(rego: string, options: { cacheSize?: number } = {}) {
  const sources = { dir: '.', modules: [{ file: 'p.rego', text: rego }], data: {}, revision: 'r1' };
  const snapshot = await instantiate(compileSources(sources, ['changegate/decision']), {}, 'changegate/decision', 'r1');
  let evaluations = 0;
  const engine = new PolicyEngine({ cacheSize: options.cacheSize ?? 100, cacheTtlMs: 60_000, onEvaluate: (_s, cached) => void (cached || evaluations++) });
  engine.swap(snapshot);
  return { engine, evaluations: () => evaluations };
}

const input = (over: Partial<PolicyInput> = {}): PolicyInput => ({
  subject: { id: 'u', username: 'u', groups: [], roles: ['viewer'], via: 'oidc', human: true },
  action: 'gerrit.read',
  resource: { upstream: 'gerrit' },
  request: { method: 'GET', path: '/', ip: '127.0.0.1', requestId: 'a' },
  ...over,
});

test('a well-formed decision is returned with sorted reasons and the revision', async () => {
  const { engine } = await engineFor('package changegate\n\ndecision := {"allow": true, "reasons": ["b", "a"]}\n');
  assert.deepEqual(engine.decide(input()), { allow: true, reasons: ['a', 'b'], revision: 'r1' });
});

for (const [what, rego, reason] of [
  ['an undefined decision', 'package changegate\n\ndecision := {"allow": true} if input.nope\n', 'policy_undefined'],
  ['allow that is not a boolean', 'package changegate\n\ndecision := {"allow": "yes", "reasons": []}\n', 'policy_result_malformed'],
  ['reasons that are not strings', 'package changegate\n\ndecision := {"allow": true, "reasons": [1]}\n', 'policy_result_malformed'],
  ['a decision that is not an object', 'package changegate\n\ndecision := true\n', 'policy_result_malformed'],
  // Two different values for one complete rule is a conflict: a Wasm abort at evaluation.
  ['a conflict at evaluation', 'package changegate\n\ndecision := {"allow": true, "reasons": []} if input.action\n\ndecision := {"allow": false, "reasons": []} if input.action\n', 'policy_error'],
] as const) {
  test(`${what} denies with ${reason}`, async () => {
    const { engine } = await engineFor(rego);
    const d = engine.decide(input());
    assert.equal(d.allow, false);
    assert.deepEqual(d.reasons, [reason]);
  });
}

test('the cache ignores the request id but nothing else', async () => {
  const { engine, evaluations } = await engineFor('package changegate\n\ndecision := {"allow": input.action == "gerrit.read", "reasons": []}\n');
  engine.decide(input());
  engine.decide(input({ request: { method: 'GET', path: '/', ip: '127.0.0.1', requestId: 'b' } }));
  assert.equal(evaluations(), 1, 'a new request id reuses the decision');
  assert.equal(engine.decide(input({ action: 'gerrit.write' })).allow, false);
  engine.decide(input({ request: { method: 'GET', path: '/', ip: '10.0.0.1', requestId: 'c' } }));
  assert.equal(evaluations(), 3);
});

test('a requestId inside the resource is part of the key; only the request id is not', async () => {
  const { engine, evaluations } = await engineFor('package changegate\n\ndecision := {"allow": input.resource.requestId == "a", "reasons": []}\n');
  const at = (resourceId: string, requestId: string): PolicyInput =>
    input({ resource: { upstream: 'gerrit', requestId: resourceId }, request: { method: 'GET', path: '/', ip: '127.0.0.1', requestId } });
  assert.equal(engine.decide(at('a', 'r1')).allow, true);
  assert.equal(engine.decide(at('a', 'r2')).allow, true);
  assert.equal(evaluations(), 1);
  assert.equal(engine.decide(at('b', 'r3')).allow, false, 'a different resource is a different decision');
  assert.equal(evaluations(), 2);
});

test('a subject equal in content shares cached decisions; a different subject does not', async () => {
  const { engine, evaluations } = await engineFor('package changegate\n\ndecision := {"allow": "admin" in input.subject.roles, "reasons": []}\n');
  const as = (roles: ('viewer' | 'admin')[]): PolicyInput => input({ subject: { id: 'u', username: 'u', groups: [], roles, via: 'oidc', human: true } });
  assert.equal(engine.decide(as(['viewer'])).allow, false);
  assert.equal(engine.decide(as(['viewer'])).allow, false);
  assert.equal(evaluations(), 1, 'a new but equal subject object reuses the decision');
  assert.equal(engine.decide(as(['viewer', 'admin'])).allow, true);
  assert.equal(engine.decide(input({ subject: null })).allow, false);
  assert.equal(evaluations(), 3);
});

test('a swap drops cached decisions of the old policy', async () => {
  const { engine } = await engineFor('package changegate\n\ndecision := {"allow": true, "reasons": []}\n');
  assert.equal(engine.decide(input()).allow, true);
  const sources = { dir: '.', modules: [{ file: 'p.rego', text: 'package changegate\n\ndecision := {"allow": false, "reasons": ["frozen"]}\n' }], data: {}, revision: 'r2' };
  engine.swap(await instantiate(compileSources(sources, ['changegate/decision']), {}, 'changegate/decision', 'r2'));
  assert.deepEqual(engine.decide(input()), { allow: false, reasons: ['frozen'], revision: 'r2' });
});

test('with no policy loaded, everything is denied', () => {
  const engine = new PolicyEngine({ cacheSize: 0, cacheTtlMs: 0 });
  assert.equal(engine.ready, false);
  assert.equal(engine.decide(input()).allow, false);
});
