// The stage table itself, and the safety/ordering and resolution stages on small inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSES, runPasses } from '../../../src/rego/passes/index.js';
import { orderBody } from '../../../src/rego/passes/safety.js';
import { CompileError } from '../../../src/rego/passes/errors.js';
import { parseModule, parseQuery } from '../../../src/rego/parser/index.js';
import type { Expr, Term } from '../../../src/rego/ast/types.js';

test('stage plan: names and order', () => {
  assert.deepEqual(
    PASSES.map((p) => p.name),
    ['resolveRefs', 'resolveMetadata', 'buildRuleTree', 'checkCalls', 'checkRecursion', 'checkSafety'],
  );
});

const noArity = (): number | undefined => undefined;

function exprText(e: Expr): string {
  return e.location.text;
}

test('orderBody moves an expression after the one binding its vars', () => {
  const body = parseQuery('x > 1; x = 5');
  const { ordered, bound } = orderBody(body, new Set(), noArity);
  assert.deepEqual(ordered.map(exprText), ['x = 5', 'x > 1']);
  assert.ok(bound.has('x'));
});

test('orderBody binds ref iteration vars and reports unsafe vars with a location', () => {
  const { bound } = orderBody(parseQuery('input.xs[i] == 1'), new Set(), noArity);
  assert.ok(bound.has('i'));
  assert.throws(
    () => orderBody(parseQuery('y > 1'), new Set(), noArity),
    (e: unknown) => e instanceof CompileError && e.code === 'rego_unsafe_var_error' && /var y is unsafe/.test(e.message),
  );
});

test('resolveRefs turns package rule names and import aliases into data refs', () => {
  const m = parseModule('package a\n\nimport data.lib.util as u\n\nq := 1\n\np if {\n\tq == u.x\n}\n', 'a.rego');
  const s = runPasses([m], undefined);
  const p = s.modules[0]?.rules.find((r) => r.head.ref.head.type === 'var' && r.head.ref.head.value === 'p');
  const e = p?.body[0];
  assert.ok(e && e.terms.kind === 'call');
  const [lhs, rhs] = e.terms.args as [Term, Term];
  const path = (t: Term): string => (t.type === 'ref' ? [t.head, ...t.path].map((x) => ('value' in x ? String(x.value) : '?')).join('.') : t.type);
  assert.equal(path(lhs), 'data.a.q');
  assert.equal(path(rhs), 'data.lib.util.x');
});

test('checkSafety: head vars must be bound, := must not redeclare', () => {
  const head = parseModule('package a\n\np := x if {\n\ty := 1\n}\n', 'a.rego');
  assert.throws(() => runPasses([head], undefined), (e: unknown) => e instanceof CompileError && e.code === 'rego_unsafe_var_error');
  const twice = parseModule('package a\n\np if {\n\tx := 1\n\tx := 2\n}\n', 'a.rego');
  assert.throws(() => runPasses([twice], undefined), (e: unknown) => e instanceof CompileError && e.code === 'rego_compile_error' && /var x assigned above/.test(e.message));
});

test('conflicting rule kinds and recursion are compile errors', () => {
  const kinds = parseModule('package a\n\np := 1\n\np contains 2\n', 'a.rego');
  assert.throws(() => runPasses([kinds], undefined), (e: unknown) => e instanceof CompileError && e.code === 'rego_type_error');
  const rec = parseModule('package a\n\np if q\n\nq if p\n', 'a.rego');
  assert.throws(() => runPasses([rec], undefined), (e: unknown) => e instanceof CompileError && e.code === 'rego_recursion_error');
});
