// The builtin registry is the one list of where each builtin runs: these tests hold it to the
// runtime that was actually built and to the implementations that actually exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BUILTIN_ARITY } from '../../../src/rego/builtins/arity.js';
import { hostBuiltinNames } from '../../../src/rego/builtins/host-bridge.js';
import { builtinEntries, interpreterBuiltin, isBuiltin, wasmPlacement } from '../../../src/rego/builtins/registry.js';
import { readModule } from '../../../src/rego/wasm/binary/reader.js';
import { defaultRuntimePath } from '../../../src/rego/wasm/index.js';

const entries = builtinEntries();

test('the native builtins are exactly the ones the built runtime exports', () => {
  const exported = readModule(new Uint8Array(readFileSync(defaultRuntimePath())))
    .exports.map((e) => e.name)
    .filter((n) => n.startsWith('builtin_'))
    .sort();
  const native = entries.flatMap((e) => (e.wasm.kind === 'native' ? [e.wasm.export] : [])).sort();
  assert.deepEqual(native, exported);
});

test('every builtin the backend sends to the host has a host implementation', () => {
  const host = new Set(hostBuiltinNames());
  // Known today: OPA's deprecated all/any (the interpreter has them) and test.sleep.
  const without = entries.filter((e) => e.wasm.kind === 'host' && !host.has(e.name)).map((e) => e.name);
  assert.deepEqual(without, ['all', 'any', 'test.sleep']);
});

test('the reference interpreter evaluates every builtin OPA declares', () => {
  const missing = Object.keys(BUILTIN_ARITY).filter((n) => interpreterBuiltin(n) === undefined);
  assert.deepEqual(missing, []);
  assert.ok(entries.some((e) => e.interpreter === 'reference') && entries.some((e) => e.interpreter === 'host'));
});

test('a builtin is placed once, with the calling convention the host expects', () => {
  assert.deepEqual(wasmPlacement('count'), { kind: 'native', export: 'builtin_count' });
  assert.deepEqual(wasmPlacement('internal.member_2'), { kind: 'native', export: 'builtin_internal_member_2' });
  // The SDK has its own sprintf; ours is imported under an alias, and takes Rego text (sets, big ints).
  assert.deepEqual(wasmPlacement('sprintf'), { kind: 'host', importName: 'changegate.sprintf', args: 'rego-text', result: 'json' });
  assert.deepEqual(wasmPlacement('json.patch'), { kind: 'host', importName: 'json.patch', args: 'rego-text', result: 'rego-text' });
  assert.deepEqual(wasmPlacement('crypto.sha256'), { kind: 'host', importName: 'crypto.sha256', args: 'json', result: 'json' });
  assert.equal(isBuiltin('count'), true);
  assert.equal(isBuiltin('no.such.builtin'), false);
});
