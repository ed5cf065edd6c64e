// Host builtins whose results hold sets (host-abi.ts TEXT_RESULT_BUILTINS) return Rego value
// text that the compiled policy parses back with the runtime: the sets are sets again in Rego.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileToWasm } from '../../../src/rego/compile.js';
import { hostBuiltins } from '../../../src/rego/builtins/host/index.js';

const POLICY = `package t

doc := {"foo": {"a", "b", "c"}}

patched := json.patch(doc, [{"op": "remove", "path": "/foo/b"}])

is_set if patched.foo == {"a", "c"}

undefined_patch := json.patch(doc, [{"op": "remove", "path": "/nope"}])
`;

test('json.patch on a set yields a set inside the policy; a failed patch is undefined', async () => {
  const { wasm } = compileToWasm([{ file: 't.rego', text: POLICY }], { entrypoints: ['t/is_set', 't/patched', 't/undefined_patch'] });
  const policy = await loadPolicy(wasm, undefined, hostBuiltins());
  assert.deepEqual(policy.evaluate(undefined, 't/is_set'), [{ result: true }]);
  assert.deepEqual(policy.evaluate(undefined, 't/patched'), [{ result: { foo: ['a', 'c'] } }]);
  assert.deepEqual(policy.evaluate(undefined, 't/undefined_patch'), []);
});
