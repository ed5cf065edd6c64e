import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostBuiltins } from '../../../src/rego/host/index.js';
import { goSprintfText } from '../../../src/rego/host/gofmt.js';
import { templateString } from '../../../src/rego/host/rego-text.js';

function call(name: string, ...args: unknown[]): unknown {
  const fn = hostBuiltins()[name];
  assert.ok(fn, `host builtin ${name} exists`);
  return fn(...args);
}

function text(v: unknown): string {
  assert.ok(v instanceof ArrayBuffer);
  return new TextDecoder().decode(v);
}

test('sprintf follows Go fmt for the verbs Rego policies use', () => {
  assert.equal(goSprintfText('"%v-%s-%d"', '[1, "a", 2]'), '1-a-2');
  assert.equal(goSprintfText('"%q %x %5.2f|%-4d|"', '["hi", "hi", 3.14159, 7]'), '"hi" 6869  3.14|7   |');
  assert.equal(goSprintfText('"%v %v"', '[{1, 2}, {"k": [true, null]}]'), '{1, 2} {"k": [true, null]}');
  assert.equal(goSprintfText('"%s"', '[1]'), '%!s(int=1)');
  assert.equal(goSprintfText('"%d"', '[123456789123456789123]'), '123456789123456789123');
  assert.equal(goSprintfText('"%d %d"', '[1]'), '1 %!d(MISSING)');
});

test('template strings print strings raw, other values as Rego terms, undefined marked', () => {
  assert.equal(templateString('["a=", {1}, ", s=", {set()}, ", u=", set(), ", x=", {"y"}]'), 'a=1, s=set(), u=<undefined>, x=y');
});

test('time.now_ns is constant within one synchronous evaluation and moves on after it', async () => {
  let clock = 1_000n;
  const now = hostBuiltins({ nowNs: () => clock++ })['time.now_ns'];
  assert.ok(now);
  const a = text(now());
  const b = text(now());
  assert.equal(a, b);
  await Promise.resolve();
  assert.notEqual(text(now()), a);
});

test('failing host builtins are undefined, not exceptions', () => {
  assert.equal(call('regex.match', '(', 'x'), undefined);
  assert.equal(call('net.cidr_intersects', 'nonsense', '10.0.0.0/8'), undefined);
  assert.equal(call('regex.match', '^a+$', 'aaa'), true);
  assert.equal(call('net.cidr_intersects', '10.0.0.0/8', '10.1.0.0/16'), true);
});

test('units and bits keep integers exact', () => {
  assert.equal(text(call('units.parse_bytes', '10KiB')), '10240');
  assert.equal(text(call('units.parse', '1.5K')), '1500');
  assert.equal(text(call('units.parse', '100m')), '0.1');
  assert.equal(call('bits.lsh', 1, 3), 8);
});
