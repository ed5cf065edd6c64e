// Language features end to end through the front end and the reference interpreter: template
// strings, relations used as terms, ref heads that overlap rule values, undefined input in
// literals, comprehension-local vars, and annotations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileModules, CompileError } from '../../../src/rego/compile.js';
import { Interpreter } from '../../../src/rego/interp/eval.js';
import { fromJS, toJS } from '../../../src/rego/value/value.js';

function query(modules: readonly string[], q: string, input?: unknown): unknown[] {
  const { ir } = compileModules(modules.map((text, i) => ({ file: `m${i}.rego`, text })), { query: q });
  const res = new Interpreter(ir).eval('eval', input === undefined ? {} : { input: fromJS(input) });
  return res.map((r) => toJS(r));
}

test('template strings interpolate values, print undefined, and nest', () => {
  const mod = 'package t\n\na := "foo"\n\np := $"{a} {1 + 2} {[1, "x"]} {input.missing} {$"<{a}>"}"\n';
  assert.deepEqual(query([mod], 'x = data.t.p', {}), [{ x: 'foo 3 [1, "x"] <undefined> <foo>' }]);
});

test('template strings: escaped braces, raw multi-line form, and use inside comprehensions', () => {
  const mod = 'package t\n\nb := $"\\{x} {"\\""}"\n\nm := $`a\n{1}`\n\nc := [$"<{v}>" | some v in ["p", "q"]]\n';
  assert.deepEqual(query([mod], 'b = data.t.b; m = data.t.m; c = data.t.c'), [{ b: '{x} "', m: 'a\n1', c: ['<p>', '<q>'] }]);
});

test('a template string as a function argument is compared after the body binds its vars', () => {
  const mod = 'package t\n\np := f("foo bar")\n\nf($"{x} {input.y}") := 42 if x = "foo"\n';
  assert.deepEqual(query([mod], 'x = data.t.p', { y: 'bar' }), [{ x: 42 }]);
  assert.deepEqual(query([mod], 'x = data.t.p', { y: 'baz' }), []);
});

test('walk(x) as a term ranges over every [path, value] pair', () => {
  const mod = 'package t\n\nx := {"a": [{"b": "BB"}, "cc"]}\n\np := {path: v | [path, v] := walk(x); is_string(v)}\n';
  assert.deepEqual(query([mod], 'x = data.t.p'), [{ x: { '["a",0,"b"]': 'BB', '["a",1]': 'cc' } }]);
});

test('a rule extending another rule value below its head is a conflict; path objects merge', () => {
  const conflict = 'package t\n\np[q].r := v if {\n\tq := "q"\n\tv := {"s": {"t": 1}}\n}\n\np.q.r.s.u := 42\n';
  assert.throws(() => query([conflict], 'x = data.t.p'), /conflict|multiple/);
  const merge = 'package t\n\np[q].r.s := i if q := ["a", "b"][i]\n\np.d.r := 3\n\np.z.r.s := 1 if false\n';
  assert.deepEqual(query([merge], 'x = data.t.p'), [{ x: { a: { r: { s: 0 } }, b: { r: { s: 1 } }, d: { r: 3 } } }]);
});

test('an undefined input inside a literal leaves the literal undefined', () => {
  const mod = 'package t\n\np if {\n\t[1, input]\n} else := false\n';
  assert.deepEqual(query([mod], 'x = data.t.p'), [{ x: false }]);
  assert.deepEqual(query([mod], 'x = data.t.p', 1), [{ x: true }]);
});

test('a var a comprehension declares with := is its own, even if the query has it too', () => {
  assert.deepEqual(query(['package t'], 'x = [x | x := input.xs[_]]', { xs: ['a', 'b'] }), [{ x: ['a', 'b'] }]);
  assert.throws(() => query(['package t'], 'x = [y | y := z]'), CompileError);
});

test('rego.metadata.rule() and chain() return the annotations around the calling rule', () => {
  const mod = [
    '# METADATA',
    '# description: The suite',
    'package t',
    '',
    '# METADATA',
    '# title: P rule',
    '# authors:',
    '# - Jane Doe <jane@example.com>',
    'p := rego.metadata.rule()',
    '',
    'q := rego.metadata.chain()',
  ].join('\n');
  assert.deepEqual(query([mod], 'x = data.t.p'), [{ x: { authors: [{ email: 'jane@example.com', name: 'Jane Doe' }], scope: 'rule', title: 'P rule' } }]);
  assert.deepEqual(query([mod], 'x = data.t.q'), [
    { x: [{ path: ['t', 'q'] }, { annotations: { description: 'The suite', scope: 'package' }, path: ['t'] }] },
  ]);
});
