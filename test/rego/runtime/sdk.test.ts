// The runtime, linked with a hand-assembled policy by MiniLinker, loads and evaluates in the
// unmodified @open-policy-agent/opa-wasm SDK (ABI 1.2 fast path), including a host builtin.
// Policy: result = {"allow": input.user == "alice", "shout": custom.shout(input.user)}.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { ensureRuntimeBuilt } from './harness.js';
import { linkToyPolicy } from './toy-policy.js';

let policy: LoadedPolicy;
before(async () => {
  ensureRuntimeBuilt();
  policy = await loadPolicy(linkToyPolicy(), undefined, {
    'custom.shout': (s: unknown) => `${String(s).toUpperCase()}!`,
  });
});

describe('runtime linked into a policy, run by @open-policy-agent/opa-wasm', () => {
  it('reads entrypoints through the runtime JSON parser', () => {
    assert.deepEqual(policy.entrypoints, { 'example/allow': 0 });
  });
  it('allows alice and calls the host builtin with a UTF-8 round trip', () => {
    assert.deepEqual(policy.evaluate({ user: 'alice' }), [{ result: { allow: true, shout: 'ALICE!' } }]);
    assert.deepEqual(policy.evaluate({ user: 'zoë "x"' }, 'example/allow'), [{ result: { allow: false, shout: 'ZOË "X"!' } }]);
  });
  it('handles no input, raw ArrayBuffer input and setData', () => {
    assert.deepEqual(policy.evaluate(undefined), [{ result: { allow: false } }]);
    const raw = new TextEncoder().encode('{"user":"al\\u0069ce"}');
    assert.deepEqual(policy.evaluate(raw.buffer as ArrayBuffer), [{ result: { allow: true, shout: 'ALICE!' } }]);
    policy.setData({ big: 'x'.repeat(100000) });
    assert.deepEqual(policy.evaluate({ user: 'alice' }), [{ result: { allow: true, shout: 'ALICE!' } }]);
  });
  it('aborts on an unknown entrypoint id with the backend message', () => {
    assert.throws(() => policy.evaluate({ user: 'alice' }, 7), (e: unknown) => e === 'invalid entrypoint id');
  });
  it('keeps memory flat over many evaluations', () => {
    const input = { user: 'alice', headers: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`h${i}`, 'v'.repeat(30)])) };
    policy.evaluate(input);
    const before = policy.mem.buffer.byteLength;
    for (let i = 0; i < 5000; i++) policy.evaluate(input);
    assert.equal(policy.mem.buffer.byteLength, before);
  });
});
