// Parse errors: OPA's wording and positions, the caret rendering, collection of several
// problems, and the limits that bound hostile input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseModule, parseQuery, ParseError } from '../../../src/rego/parser/index.js';

function problemsOf(run: () => unknown): ParseError {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof ParseError, `expected ParseError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ParseError');
}

function firstProblem(src: string): [number, number, string] {
  const e = problemsOf(() => parseModule(src, 'policy.rego'));
  assert.equal(e.code, 'rego_parse_error');
  return [e.row, e.col, e.reason];
}

const TABLE: [source: string, row: number, col: number, reason: string][] = [
  ['p := 1', 1, 1, 'package expected'],
  ['', 1, 1, 'empty module'],
  ['package', 1, 8, 'unexpected eof token: expected ident'],
  ['package x\np if { x := }', 2, 13, 'unexpected } token'],
  ['package x\np if { x y }', 2, 10, 'unexpected ident token: expected \\n or ; or }'],
  ['package x\np if { x; }', 2, 11, 'unexpected } token'],
  ['package x\np := "abc', 2, 6, 'non-terminated string'],
  ['package x\np := "a\\qb"', 2, 6, 'illegal escape sequence'],
  ['package x\np := "\\u12"', 2, 6, 'non-terminated string'],
  ['package x\np := "\\uzzzz"', 2, 6, 'illegal string literal: "\\uzzzz"'],
  ['package x\np := `abc', 2, 6, 'non-terminated string'],
  ['package x\np := 01', 2, 6, 'expected number without leading zero'],
  ['package x\np := 1.', 2, 6, 'expected fraction'],
  ['package x\np := 1e', 2, 6, 'expected exponent'],
  ['package x\np := 12ab', 2, 6, 'illegal number format'],
  ['package x\np := 1e999999', 2, 6, 'number too big'],
  ['package x\np := $x', 2, 6, 'illegal $ character'],
  ['package x\np := $"a{x', 2, 11, 'unexpected eof token: expected } ending the template expression'],
  ['package x\np := $"a', 2, 6, 'non-terminated string'],
  ['package x\np := $"{}"', 2, 9, 'empty template expression'],
  ['package x\np := a ! b', 2, 8, 'illegal ! character'],
  ['package x\np := \u00e9', 2, 6, 'illegal token'],
  ['package x\np := -y', 2, 7, 'unexpected ident token: expected number'],
  ['package x\np { true }', 2, 3, '`if` keyword is required before rule body'],
  ['package x\nf(x) { true }', 2, 6, '`if` keyword is required before function body'],
  ['package x\np[x] if { x := 1 } else := 2', 2, 20, 'else keyword cannot be used on rules with variables in head'],
  ['package x\np contains x if { x := 1 } else := 2', 2, 28, 'else keyword cannot be used on multi-value rules'],
  ['package x\np[x]', 2, 1, '`contains` keyword is required for partial set rules'],
  ['package x\ndefault p := x', 2, 1, 'illegal default rule (value cannot contain var)'],
  ['package x\ndefault p := [input.x]', 2, 1, 'illegal default rule (value cannot contain ref)'],
  ['package x\ndefault p', 2, 1, 'illegal default rule (must have a value)'],
  ['package x\ndefault f(1) := 1', 2, 1, 'illegal default rule (arguments cannot contain number)'],
  ['package x\ndefault f(a, a) := 1', 2, 1, 'illegal default rule (arguments cannot be repeated a)'],
  ['package x\nimport foo.bar', 2, 8, 'unexpected import path, must begin with one of: {data, future, input, rego}, got: foo'],
  ['package x\nimport rego.v2', 2, 8, 'invalid import `rego.v2`, must be `rego.v1`'],
  ['package x\nimport future.keywords.not', 2, 8, 'unexpected keyword, must be one of [contains every if in]'],
  ['package x\nimport future.keywords.in as x', 2, 8, '`future` imports cannot be aliased'],
  ['package x\np if { not some x in y }', 2, 12, "illegal negation of 'some'"],
  ['package x\np if { not every x in y { x } }', 2, 12, "illegal negation of 'every'"],
  ['package x\np if { every x in y }', 2, 21, 'unexpected } token: missing body'],
  ['package x\np if { every 1 in y { true } }', 2, 21, 'unexpected { token: expected value to be a variable'],
  ['package x\np if { every x }', 2, 16, 'unexpected } token: expected `x[, y] in xs { ... }` expression'],
  ['package x\np if { some x == y }', 2, 20, 'unexpected } token: expected `x in xs` or `x, y in xs` expression'],
  ['package x\np if { some 1 }', 2, 13, 'unexpected number token: expected var'],
  ['package x\np if { x with 1 as 2 }', 2, 15, 'unexpected number token: expected ident'],
  ['package x\np if { x with y 2 }', 2, 17, 'unexpected number token: expected as keyword'],
  ['package x\np if { "a"[0] }', 2, 8, 'illegal ref (head cannot be string)'],
  ['package x\np if { f (x) }', 2, 10, 'unexpected ( token: expected \\n or ; or }'],
  ['package x\np if { x. y }', 2, 11, 'unexpected ident token: expected ident'],
  ['package x\np if { (1 + 2 }', 2, 15, 'non-terminated expression'],
  ['package x\np if { x := [1, 2 }', 2, 19, 'unexpected } token: expected "," or "]"'],
  ['package x\np if { x := {1 2} }', 2, 16, 'unexpected number token: non-terminated set'],
  ['package x\np if { x := {"a": 1 2} }', 2, 21, 'unexpected number token: non-terminated object'],
  ['package x\np if { x := {"a": 1, 2} }', 2, 23, 'unexpected } token: expected ":"'],
  ['package x\np if { [x | ] }', 2, 13, 'found empty body'],
  ['package x\np + 1', 2, 3, 'unexpected + token'],
  ['package x\np if', 2, 5, 'unexpected eof token'],
  ['package x\np if { x } else', 2, 16, 'unexpected eof token: expected else value term or rule body'],
  ['package x\nf(x) contains 1', 2, 6, 'unexpected contains keyword: the contains keyword can only be used with multi-value rule definitions (e.g., f contains <VALUE> { ... })'],
];

for (const [source, row, col, reason] of TABLE) {
  test(`error ${JSON.stringify(source)}`, () => {
    assert.deepEqual(firstProblem(source), [row, col, reason]);
  });
}

test('messages carry file:row:col, the code, the source line and a caret', () => {
  const e = problemsOf(() => parseModule('package x\n\np if {\n\tx := [1,\n\t\ty z]\n}\n', 'policy.rego'));
  assert.equal(
    e.message,
    'policy.rego:5:5: rego_parse_error: unexpected ident token: expected "," or "]"\n\t\t\ty z]\n\t\t\t  ^',
  );
  assert.equal(e.file, 'policy.rego');
});

test('several independent problems are collected, in source order', () => {
  const src = 'package x\n\np if {\n\tx := 1 +\n}\n\nq if { y := ) }\n\nr := 1\n\ns { true }\n';
  const e = problemsOf(() => parseModule(src, 'm.rego'));
  assert.deepEqual(
    e.problems.map((p) => [p.row, p.col, p.reason]),
    [
      [5, 1, 'unexpected } token'],
      [7, 13, 'unexpected ) token'],
      [11, 3, '`if` keyword is required before rule body'],
    ],
  );
  assert.match(e.message, /^3 errors occurred:\nm\.rego:5:1: rego_parse_error: unexpected \} token\n/);
});

test('v0-style partial sets report both missing keywords', () => {
  const e = problemsOf(() => parseModule('package x\n\np[x] {\n\tx := 1\n}\n', 't.rego'));
  assert.deepEqual(
    e.problems.map((p) => p.reason),
    ['`if` keyword is required before rule body', '`contains` keyword is required for partial set rules'],
  );
});

test('the error count is capped', () => {
  const src = `package x\n${'p { true }\n'.repeat(50)}`;
  const e = problemsOf(() => parseModule(src, 'm.rego', { maxErrors: 5 }));
  assert.equal(e.problems.length, 5);
});

test('garbage input reports a bounded number of problems', () => {
  const e = problemsOf(() => parseModule(`package x\np := ${'$'.repeat(100_000)}`, 'g.rego'));
  assert.equal(e.problems.length, 10);
});

test('reasons quoting source are clipped', () => {
  const e = problemsOf(() => parseModule(`package x\nimport ${'a'.repeat(10_000)}.b`, 'i.rego'));
  assert.ok(e.reason.length < 400);
  assert.ok(e.message.length < 1000);
});

test('input size is capped', () => {
  const e = problemsOf(() => parseModule(`package x\np := "${'a'.repeat(2000)}"`, 'big.rego', { maxBytes: 1000 }));
  assert.match(e.reason, /^input too large/);
});

test('nesting depth is capped without overflowing the stack', () => {
  const shapes = [
    (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`,
    (n: number) => `${'{'.repeat(n)}1${'}'.repeat(n)}`,
    (n: number) => `${'('.repeat(n)}1${')'.repeat(n)}`,
    (n: number) => `${'a['.repeat(n)}1${']'.repeat(n)}`,
    (n: number) => `${'f('.repeat(n)}1${')'.repeat(n)}`,
    (n: number) => `${'[x | '.repeat(n)}true${']'.repeat(n)}`,
    (n: number) => Array.from({ length: n }, () => '1').join(' + '),
    (n: number) => Array.from({ length: n }, () => 'x').join(' in '),
  ];
  for (const shape of shapes) {
    assert.doesNotThrow(() => parseQuery(`x := ${shape(50)}`));
    const e = problemsOf(() => parseQuery(`x := ${shape(100_000)}`));
    assert.equal(e.reason, 'max parsing recursion depth exceeded');
  }
  const chain = `package x\np := 0 if false ${Array.from({ length: 5000 }, (_, i) => `else := ${i} if false`).join(' ')}`;
  assert.equal(problemsOf(() => parseModule(chain, 'c.rego')).reason, 'max parsing recursion depth exceeded');
});

test('token count is capped', () => {
  const e = problemsOf(() => parseQuery(`x := [${'1,'.repeat(1000)}]`, { maxTokens: 100 }));
  assert.match(e.reason, /^too many tokens/);
});

test('queries report errors too', () => {
  const e = problemsOf(() => parseQuery('x := '));
  assert.equal(e.message, '1:6: rego_parse_error: unexpected eof token\n\tx := \n\t     ^');
});
