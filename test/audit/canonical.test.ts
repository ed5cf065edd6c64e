import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, lineHash, sha256Hex } from '../../src/audit/canonical.js';

test('canonical JSON sorts keys at every depth and has no whitespace', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x y' } }), '{"a":{"c":"x y","d":[3,{"y":2,"z":1}]},"b":1}');
});

test('undefined keys are left out, as JSON.stringify does, so a parsed line hashes the same', () => {
  const record = { kind: 'completion', seq: 1, prev: '0', n: 1.5e-7, s: 'é\u2028"\\', missing: undefined, arr: [1, null] };
  const roundTripped = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
  assert.equal(canonicalJson(record), canonicalJson(roundTripped));
  assert.equal(lineHash(record), lineHash(roundTripped));
});

test('a line hash leaves out the hash itself, and a checkpoint also its signature', () => {
  const plain = { kind: 'decision', seq: 1, prev: 'p' };
  assert.equal(lineHash({ ...plain, hash: 'anything' }), sha256Hex('{"kind":"decision","prev":"p","seq":1}'));
  assert.notEqual(lineHash({ ...plain, signature: 's' }), lineHash(plain), 'a plain record covers every other field');
  const checkpoint = { kind: 'checkpoint', seq: 2, prev: 'p', keyId: 'k' };
  assert.equal(lineHash({ ...checkpoint, signature: 'sig', hash: 'h' }), lineHash(checkpoint));
});

test('integer-like keys sort as strings too, not in the numeric order JS objects keep them in', () => {
  assert.equal(canonicalJson({ b: { '10': 1, '9': 2, a: [{ '2': 0, '1': 0 }] } }), '{"b":{"10":1,"9":2,"a":[{"1":0,"2":0}]}}');
  assert.equal(canonicalJson({ x: [undefined, () => 1, 2] }), '{"x":[null,null,2]}');
});
