// Rule forms of Rego v1: heads, bodies, default, else chains, imports and packages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModule } from '../../../src/rego/parser/index.js';
import type { Module, Rule } from '../../../src/rego/ast/types.js';
import { bodySexp, headSexp, sexp } from './sexp.js';

function mod(rules: string): Module {
  return parseModule(`package test\n\n${rules}\n`, 'test.rego');
}

function only(rules: string): Rule {
  const m = mod(rules);
  assert.equal(m.rules.length, 1, 'exactly one rule');
  return m.rules[0] as Rule;
}

const HEADS: [source: string, head: string, body: string][] = [
  ['allow if input.admin', 'ref(allow) = true', 'ref(input "admin")'],
  ['allow if { input.x; input.y }', 'ref(allow) = true', 'ref(input "x"); ref(input "y")'],
  ['allow if {\n  input.x\n  input.y\n}', 'ref(allow) = true', 'ref(input "x"); ref(input "y")'],
  ['allow if { x }', 'ref(allow) = true', 'x'],
  ['allow if not deny', 'ref(allow) = true', 'not deny'],
  ['allow if every x in xs { x > 0 }', 'ref(allow) = true', 'every(x xs | gt(x #0))'],
  ['allow if some x in xs', 'ref(allow) = true', 'some-in(x xs)'],
  ['x := 1', 'ref(x) := #1', 'true'],
  ['x = 1', 'ref(x) = #1', 'true'],
  ['x := y if { y := 2 }', 'ref(x) := y', 'assign(y #2)'],
  ['a.b.c := 1 if true', 'ref(a "b" "c") := #1', 'true'],
  ['p contains x if { some x in xs }', 'ref(p) contains x', 'some-in(x xs)'],
  ['p contains "a"', 'ref(p) contains "a"', 'true'],
  ['a.b contains x if x := 1', 'ref(a "b") contains x', 'assign(x #1)'],
  ['p[k] := v if { some k, v in o }', 'ref(p k) key=k := v', 'some-in(k v o)'],
  ['p[x] if x := 1', 'ref(p x) key=x = true', 'assign(x #1)'],
  ['p["a"] := 1', 'ref(p "a") key="a" := #1', 'true'],
  ['p.a := 1 if true', 'ref(p "a") := #1', 'true'],
  ['a.b[x] := 1 if x := "k"', 'ref(a "b" x) := #1', 'assign(x "k")'],
  ['f(x) := y if { y := x * 2 }', 'ref(f)(x) := y', 'assign(y mul(x #2))'],
  ['f(x) if x > 1', 'ref(f)(x) = true', 'gt(x #1)'],
  ['f(_, [a, b]) := a', 'ref(f)($0 [a b]) := a', 'true'],
  ['a.b.f(x) := x', 'ref(a "b" "f")(x) := x', 'true'],
  ['p := {x | x := 1} if {x: i | x := ["a"][i]}', 'ref(p) := scomp(x | assign(x #1))', 'ocomp(x:i | assign(x ref(["a"] i)))'],
  ['as.foo := 1', 'ref(as "foo") key="foo" := #1', 'true'],
  ['import.foo contains "a"', 'ref(import "foo") contains "a"', 'true'],
];

for (const [source, head, body] of HEADS) {
  test(`rule ${JSON.stringify(source)}`, () => {
    const r = only(source);
    assert.equal(headSexp(r), head);
    assert.equal(bodySexp(r.body), body);
    assert.equal(r.default, false);
  });
}

test('implicit values and bodies are marked generated', () => {
  const r = only('allow if input.x');
  assert.ok(r.head.kind === 'value' && r.head.value.type === 'boolean' && r.head.value.generated === true);
  const c = only('x := 1');
  assert.equal(c.body[0]?.generated, true);
});

test('default rules', () => {
  const r = only('default allow := false');
  assert.equal(r.default, true);
  assert.equal(headSexp(r), 'ref(allow) := false');
  assert.equal(bodySexp(r.body), 'true');
  const f = only('default f(_) := {"a": [1]}');
  assert.equal(headSexp(f), 'ref(f)($0) := obj("a":[#1])');
  const comp = only('default p := [x | x := 1]');
  assert.equal(headSexp(comp), 'ref(p) := acomp(x | assign(x #1))');
});

test('else chains keep the head and carry their own values and bodies', () => {
  const r = only('f(x) := 1 if { x == 1 } else := 2 if x == 2 else = 3');
  assert.equal(headSexp(r), 'ref(f)(x) := #1');
  const e1 = r.else;
  assert.ok(e1 !== undefined);
  assert.equal(headSexp(e1), 'ref(f)(x) := #2');
  assert.equal(bodySexp(e1.body), 'equal(x #2)');
  const e2 = e1.else;
  assert.ok(e2 !== undefined);
  assert.equal(headSexp(e2), 'ref(f)(x) = #3');
  assert.equal(bodySexp(e2.body), 'true');
  assert.equal(e2.else, undefined);
  const v = only('p if { false } else if { true }');
  assert.equal(v.else === undefined ? '' : headSexp(v.else), 'ref(p) = true');
});

test('else links of functions get fresh wildcard arguments', () => {
  const r = only('f(_) := 1 if false else := 2');
  assert.equal(headSexp(r), 'ref(f)($0) := #1');
  assert.equal(r.else === undefined ? '' : headSexp(r.else), 'ref(f)($1) := #2');
});

test('package and imports', () => {
  const m = parseModule(
    'package a.b["c-d"]\nimport rego.v1\nimport future.keywords.in\nimport data.x.y as z\nimport input.q\n\np := 1\n',
    'm.rego',
  );
  assert.equal(sexp(m.package.path), 'ref(data "a" "b" "c-d")');
  assert.deepEqual(
    m.imports.map((i) => [sexp(i.path), i.alias ?? null]),
    [['ref(rego "v1")', null], ['ref(future "keywords" "in")', null], ['ref(data "x" "y")', 'z'], ['ref(input "q")', null]],
  );
  assert.equal(m.file, 'm.rego');
});

test('keywords in package paths and refs', () => {
  const m = parseModule('package foo.not.bar\nimport data.foo.as as my_if\n\np if my_if.bar == data.foo.if.x\n', 'k.rego');
  assert.equal(sexp(m.package.path), 'ref(data "foo" "not" "bar")');
  assert.equal(m.imports[0]?.alias, 'my_if');
  assert.equal(bodySexp(m.rules[0]?.body ?? []), 'equal(ref(my_if "bar") ref(data "foo" "if" "x"))');
});

test('with modifiers, negation and some declarations', () => {
  const r = only('p if {\n  not q with input as {"a": 1} with data.x as 2\n  some x, y\n  some k, v in o\n  some [a, b] in pairs\n}');
  assert.equal(
    bodySexp(r.body),
    'not q with(ref(input) obj("a":#1)) with(ref(data "x") #2); some(x y); some-in(k v o); some-in([a b] pairs)',
  );
  assert.deepEqual(r.body.map((e) => e.index), [0, 1, 2, 3]);
});

test('comments are collected with their positions', () => {
  const m = parseModule('# head\npackage x # trailing\n\np := 1 # c\n', 'c.rego');
  assert.deepEqual(
    m.comments.map((c) => [c.text, c.location.row, c.location.col]),
    [[' head', 1, 1], [' trailing', 2, 11], [' c', 4, 8]],
  );
});

test('rule location text spans the whole rule including else links', () => {
  const r = only('p := 1 if {\n  false\n} else := 2');
  assert.equal(r.location.text, 'p := 1 if {\n  false\n} else := 2');
  assert.equal(r.location.row, 3);
});

test('CRLF line endings parse like LF, with the same positions', () => {
  const lf = 'package x\n\n# note\np if {\n\tinput.a\n\tinput.b\n}\n';
  const crlf = lf.replace(/\n/g, '\r\n');
  const a = parseModule(lf, 'a.rego');
  const b = parseModule(crlf, 'a.rego');
  assert.equal(bodySexp(b.rules[0]?.body ?? []), 'ref(input "a"); ref(input "b")');
  assert.deepEqual(
    b.rules[0]?.body.map((e) => [e.location.row, e.location.col, e.location.text]),
    a.rules[0]?.body.map((e) => [e.location.row, e.location.col, e.location.text]),
  );
  assert.equal(b.comments[0]?.text, ' note');
});
