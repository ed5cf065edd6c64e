// The driver on a policy shaped like the proxy's: entrypoint plans evaluated by the reference
// interpreter, plus compile errors with codes and locations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileModules, CompileError } from '../../src/rego/compile.js';
import { Interpreter } from '../../src/rego/interp/eval.js';
import { fromJS, toJS } from '../../src/rego/value/value.js';

const POLICY = `package changegate

default allow := false

roles contains role if {
	some role in input.subject.roles
}

allow if {
	"admin" in roles
}

allow if {
	input.action.kind == "read"
	some role in input.subject.roles
	role in {"viewer", "reviewer", "operator"}
	not blocked
}

blocked if glob.match("secret/**", ["/"], input.target.path)

reasons contains "not authenticated" if input.subject.kind == "anonymous"

reasons contains r if {
	not allow
	r := sprintf("role %s may not %s", [concat(",", sort([x | some x in roles])), input.action.kind])
}

decision := {"allow": allow, "reasons": reasons}
`;

function decide(input: unknown): unknown {
  const { ir } = compileModules([{ file: 'changegate.rego', text: POLICY }], { entrypoints: ['changegate/decision'] });
  const res = new Interpreter(ir).eval('changegate/decision', { input: fromJS(input) });
  assert.equal(res.length, 1);
  return (toJS(res[0] ?? null) as { result: unknown }).result;
}

test('admin is allowed', () => {
  assert.deepEqual(decide({ subject: { kind: 'oidc', roles: ['admin'] }, action: { kind: 'write' }, target: { path: 'x' } }), {
    allow: true,
    reasons: [],
  });
});

test('viewer may read but not write, and gets a reason', () => {
  const read = decide({ subject: { kind: 'oidc', roles: ['viewer'] }, action: { kind: 'read' }, target: { path: 'a/b' } });
  assert.deepEqual(read, { allow: true, reasons: [] });
  const write = decide({ subject: { kind: 'oidc', roles: ['viewer', 'ci'] }, action: { kind: 'write' }, target: { path: 'a/b' } });
  assert.deepEqual(write, { allow: false, reasons: ['role ci,viewer may not write'] });
});

test('glob-blocked path denies a read', () => {
  const d = decide({ subject: { kind: 'oidc', roles: ['viewer'] }, action: { kind: 'read' }, target: { path: 'secret/x/y' } });
  assert.equal((d as { allow: boolean }).allow, false);
});

test('anonymous gets both reasons; default allow is false', () => {
  const d = decide({ subject: { kind: 'anonymous', roles: [] }, action: { kind: 'read' }, target: { path: 'p' } }) as {
    allow: boolean;
    reasons: string[];
  };
  assert.equal(d.allow, false);
  assert.deepEqual(d.reasons, ['not authenticated', 'role  may not read']);
});

function compileError(text: string): CompileError {
  try {
    compileModules([{ file: 'p.rego', text }], { entrypoints: ['p/x'] });
  } catch (e) {
    assert.ok(e instanceof CompileError, String(e));
    return e;
  }
  assert.fail('expected a compile error');
}

test('unsafe var is rego_unsafe_var_error with a location', () => {
  const e = compileError('package p\n\nx if {\n\ty > 1\n}\n');
  assert.equal(e.code, 'rego_unsafe_var_error');
  assert.match(e.message, /p\.rego:4:2: rego_unsafe_var_error: var y is unsafe/);
});

test('recursion, arity and parse errors carry their codes', () => {
  assert.equal(compileError('package p\n\nx if y\ny if x\n').code, 'rego_recursion_error');
  assert.equal(compileError('package p\n\nx := count(1, 2, 3)\n').code, 'rego_type_error');
  assert.equal(compileError('package p\n\nx if {\n').code, 'rego_parse_error');
  assert.equal(compileError('package p\n\nx := nope(1)\n').code, 'rego_type_error');
});

test('every faulty rule of a stage is reported, not only the first', () => {
  const safety = compileError('package p\n\na if {\n\ty > 1\n}\n\nb if {\n\tz > 1\n}\n');
  assert.deepEqual(
    safety.problems.map((p) => [p.code, p.message, p.location?.row]),
    [
      ['rego_unsafe_var_error', 'var y is unsafe', 4],
      ['rego_unsafe_var_error', 'var z is unsafe', 8],
    ],
  );
  assert.match(safety.message, /^2 errors occurred:\n/);
  const calls = compileError('package p\n\na := nope(1)\nb := count(1, 2, 3)\nc := alsonope(2)\n');
  assert.deepEqual(
    calls.problems.map((p) => [p.code, p.location?.row]),
    [
      ['rego_type_error', 3],
      ['rego_type_error', 4],
      ['rego_type_error', 5],
    ],
  );
  assert.match(calls.problems[2]?.message ?? '', /undefined function alsonope/);
  const conflicts = compileError('package p\n\na := 1\na contains 2\nf(x) := x\nf(x, y) := x\n');
  assert.equal(conflicts.problems.length, 2);
});

test('syntax errors of every file are reported together', () => {
  try {
    compileModules([
      { file: 'a.rego', text: 'package a\n\np if {\n' },
      { file: 'ok.rego', text: 'package ok\n\nq := 1\n' },
      { file: 'b.rego', text: 'package b\n\nr := [1,\n' },
    ]);
    assert.fail('expected a compile error');
  } catch (e) {
    assert.ok(e instanceof CompileError, String(e));
    assert.deepEqual([...new Set(e.problems.map((p) => p.location?.file))], ['a.rego', 'b.rego']);
    assert.ok(e.problems.every((p) => p.code === 'rego_parse_error'));
  }
});

test('a stage stops at the error limit', () => {
  const rules = Array.from({ length: 15 }, (_, i) => `r${i} if v${i} > 1`);
  const e = compileError(['package p', ...rules].join('\n'));
  assert.equal(e.problems.length, 11);
  assert.deepEqual(e.problems.at(-1), { code: 'rego_compile_error', message: 'error limit reached' });
  assert.deepEqual(e.problems.slice(0, 10).map((p) => p.message), Array.from({ length: 10 }, (_, i) => `var v${i} is unsafe`));
});

test('hostile input: deep nesting and many rules compile or fail cleanly', () => {
  const deep = `package p\n\nx := ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
  assert.throws(() => compileModules([{ file: 'p.rego', text: deep }], { entrypoints: ['p/x'] }), CompileError);
  const many = ['package p', ...Array.from({ length: 2000 }, (_, i) => `r${i} := ${i}`)].join('\n');
  const { ir } = compileModules([{ file: 'p.rego', text: many }], { entrypoints: ['p/r1999'] });
  const res = new Interpreter(ir).eval('p/r1999', {});
  assert.deepEqual(toJS(res[0] ?? null), { result: 1999 });
});
