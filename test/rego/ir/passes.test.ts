// The IR pass table itself (as OPA tests its stage plan), and what the list does to a real plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileModules } from '../../../src/rego/compile.js';
import { IR_PASSES, runIrPasses } from '../../../src/rego/ir/passes/index.js';
import { DATA_LOCAL, type Policy, type Stmt } from '../../../src/rego/ir/types.js';
import { forEachStmt } from '../../../src/rego/ir/walk.js';

test('IR pass plan: names and order', () => {
  assert.deepEqual(
    IR_PASSES.map((p) => p.name),
    ['pruneDeadWrites', 'fuseComparisons'],
  );
});

const POLICY = `package p

import data.p.lib

allow if {
	lib.on_gerrit
	input.action == "read"
}
`;

const LIB = `package p.lib

on_gerrit if input.upstream == "gerrit"
`;

function planned(): Policy {
  return compileModules([{ file: 'p.rego', text: POLICY }, { file: 'lib.rego', text: LIB }], { entrypoints: ['p/allow'] }).ir;
}

function count(policy: Policy, match: (s: Stmt) => boolean): number {
  let n = 0;
  const visit = (s: Stmt): void => void (match(s) && n++);
  for (const f of policy.funcs?.funcs ?? []) forEachStmt(f.blocks, visit);
  for (const p of policy.plans.plans ?? []) forEachStmt(p.blocks, visit);
  return n;
}

const dataLookup = (s: Stmt): boolean => s.type === 'DotStmt' && s.stmt.source.type === 'local' && s.stmt.source.value === DATA_LOCAL;
const equalCall = (s: Stmt): boolean => s.type === 'CallStmt' && s.stmt.func === 'equal';

test('the passes drop unread data lookups and fuse comparisons, and an empty list changes nothing', () => {
  const ir = planned();
  assert.ok(count(ir, dataLookup) > 0 && count(ir, equalCall) > 0, 'the planner emits both shapes');
  const optimised = runIrPasses(ir);
  assert.equal(count(optimised, dataLookup), 0);
  assert.equal(count(optimised, equalCall), 0);
  assert.deepEqual(runIrPasses(ir, []), ir);
  assert.deepEqual(runIrPasses(optimised), optimised, 'a second run finds nothing more to do');
});
