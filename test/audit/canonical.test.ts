import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, hashedLine, lineHash, sha256Hex } from '../../src/audit/canonical.js';

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

test('a sorted subtree with an undefined member or an omitted key is still canonicalized', () => {
  assert.equal(canonicalJson({ a: { b: undefined, c: 1 }, d: [{ e: 1, f: undefined }] }), '{"a":{"c":1},"d":[{"e":1}]}');
  assert.equal(canonicalJson({ a: 1, hash: 'h', z: { hash: 'kept' } }, new Set(['hash'])), '{"a":1,"z":{"hash":"kept"}}');
});

test('a hashed line parses back to a record whose hash is its canonical hash', () => {
  const { line, hash } = hashedLine({ seq: 3, prev: 'p', kind: 'decision', resource: { path: '/x', upstream: 'gerrit' }, b: [2, { y: 1, x: 0 }] });
  assert.ok(line.endsWith(`"hash":"${hash}"}\n`));
  const parsed = JSON.parse(line) as Record<string, unknown>;
  assert.equal(parsed['hash'], hash);
  assert.equal(lineHash(parsed), hash);
});

/** The definition, written the slow and obvious way: what canonicalJson must always agree with. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : reference(v))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .filter((k) => record[k] !== undefined && typeof record[k] !== 'function')
    .map((k) => `${JSON.stringify(k)}:${reference(record[k])}`);
  return `{${members.join(',')}}`;
}

test('canonicalJson agrees with the definition on random values (sorted or not, integer-like keys, holes)', () => {
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const keys = ['a', 'b', 'kind', 'seq', 'prev', '0', '10', '9', 'Z', 'é', 'a b', '01'];
  const scalars: unknown[] = [0, -1, 1.5, 'text', '', '"quoted"\n', true, false, null, undefined];
  const value = (depth: number): unknown => {
    const pick = random(depth > 3 ? 2 : 5);
    if (pick < 2) return scalars[random(scalars.length)];
    if (pick === 2) return Array.from({ length: random(4) }, () => value(depth + 1));
    const out: Record<string, unknown> = {};
    // Half the objects in sorted order, as records are built, half in any order.
    const chosen = keys.filter(() => random(3) === 0);
    for (const k of random(2) === 0 ? chosen.sort() : chosen) out[k] = value(depth + 1);
    return out;
  };
  for (let i = 0; i < 2000; i++) {
    const v = value(0);
    assert.equal(canonicalJson(v), reference(v), JSON.stringify(v));
  }
});
