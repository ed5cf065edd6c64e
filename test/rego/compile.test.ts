// The driver on a policy shaped like the proxy's: entrypoint plans evaluated by the reference
// interpreter, plus compile errors with codes and locations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileModules, CompileError } from '../../src/rego/compile.js';
import { Interpreter } from '../../src/rego/ir/interp/eval.js';
import { fromJS, toJS } from '../../src/rego/ir/interp/value.js';

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

test('hostile input: deep nesting and many rules compile or fail cleanly', () => {
  const deep = `package p\n\nx := ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
  assert.throws(() => compileModules([{ file: 'p.rego', text: deep }], { entrypoints: ['p/x'] }), CompileError);
  const many = ['package p', ...Array.from({ length: 2000 }, (_, i) => `r${i} := ${i}`)].join('\n');
  const { ir } = compileModules([{ file: 'p.rego', text: many }], { entrypoints: ['p/r1999'] });
  const res = new Interpreter(ir).eval('p/r1999', {});
  assert.deepEqual(toJS(res[0] ?? null), { result: 1999 });
});
