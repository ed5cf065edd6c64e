// The performance shortcuts (the IR passes in ir/passes, the backend's invariant-lookup cache and the inline
// boolean comparisons in stmts.ts) must not change any answer: each policy below is evaluated by
// the Wasm module in the opa-wasm SDK and by the reference interpreter on the same plan, over
// inputs chosen to hit the edges of each shortcut (undefined paths, non-boolean values compared
// with booleans, `not` and `with` bodies, lookups inside loops).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileIrToWasm, compileModules } from '../../../src/rego/compile.js';
import { Interpreter } from '../../../src/rego/interp/eval.js';
import { fromJS, toJS } from '../../../src/rego/value/value.js';
import { DATA_LOCAL, type Block, type Policy } from '../../../src/rego/ir/types.js';
import { requiredMemoryPages } from '../../../src/rego/wasm/index.js';
import { pruneDeadWrites } from '../../../src/rego/ir/passes/prune-dead-writes.js';
import { hostBuiltins } from '../../../src/rego/builtins/host/index.js';

const POLICY = `package shortcuts

import data.shortcuts.lib

# Planner shape of the proxy's policies: a rule of another package, read through data.
grants contains "read" if {
	lib.on_gerrit
	input.action == "read"
	lib.has_role("viewer")
}

grants contains "write" if {
	lib.on_gerrit
	input.action == "write"
	input.resource.owner == input.subject.id
}

# A dead-looking lookup under \`not\` decides the rule: it must stay.
grants contains "no_owner" if not input.resource.owner

grants contains "no_owner_name" if not input.resource.owner.name

default flag_true := false

default flag_false := false

default flag_not_true := false

default flag_not_false := false

default same_action := false

default replaced := "none"

default mixed := []

default missing_twice := false

default equal_fused := false

default unequal_fused := false

flag_true if input.flag == true

flag_false if input.flag == false

flag_not_true if input.flag != true

flag_not_false if input.flag != false

# The same path read in several bodies and under \`with\`, which replaces input for its body.
same_action if {
	input.action == "read"
	x := input.action
	x == "read"
}

replaced := r if {
	r := lib.action_of with input as {"action": "swapped"}
}

# The same lookup in one body, outside and inside a \`with\`: two different answers.
mixed := [a, b] if {
	a := input.action
	b := input.action with input as {"action": "swapped"}
}

# Lookups on loop variables change every iteration: never cached across elements.
names contains n if {
	some item in input.items
	n := item.name
}

first_long contains item.name if {
	some item in input.items
	count(item.name) > 3
}

missing_twice if {
	not input.resource.review.labels
	not input.resource.review.labels
}

equal_fused if input.a == input.b

unequal_fused if input.a != input.b

decision := {
	"grants": grants,
	"flags": [flag_true, flag_false, flag_not_true, flag_not_false],
	"same_action": same_action,
	"replaced": replaced,
	"mixed": mixed,
	"names": names,
	"first_long": first_long,
	"missing_twice": missing_twice,
	"equal": equal_fused,
	"unequal": unequal_fused,
}
`;

const LIB = `package shortcuts.lib

on_gerrit if input.resource.upstream == "gerrit"

has_role(role) if role in input.subject.roles

action_of := input.action
`;

const INPUTS: unknown[] = [
  {},
  { action: 'read', resource: { upstream: 'gerrit' }, subject: { id: 'u', roles: ['viewer'] } },
  { action: 'write', resource: { upstream: 'gerrit', owner: 'u' }, subject: { id: 'u', roles: [] } },
  { action: 'write', resource: { upstream: 'gerrit', owner: { name: 'u' } }, subject: { id: 'v' } },
  { action: 'read', resource: { upstream: 'dagster' }, subject: null },
  { flag: true },
  { flag: false },
  { flag: 0 },
  { flag: 'false' },
  { flag: null },
  { flag: [false] },
  { items: [{ name: 'ab' }, { name: 'abcd' }, {}, { name: 'xyzzy' }, { name: 'ab' }] },
  { items: 'not a list' },
  { resource: { review: { labels: {} } } },
  { resource: { review: {} } },
  { a: 1, b: 1 },
  { a: 1, b: 1.0 },
  { a: 1, b: '1' },
  { a: true, b: true },
  { a: null },
];

type Plan = { ir: Policy };

function planOf(): Plan {
  return compileModules(
    [
      { file: 'shortcuts.rego', text: POLICY },
      { file: 'lib.rego', text: LIB },
    ],
    { entrypoints: ['shortcuts/decision'] },
  );
}

test('the shortcuts give the reference interpreter\'s answers', async () => {
  const { ir } = planOf();
  const wasm = compileIrToWasm(ir);
  const policy = await loadPolicy(wasm, { initial: Math.max(5, requiredMemoryPages(wasm)) }, hostBuiltins());
  const interp = new Interpreter(ir);
  for (const input of INPUTS) {
    const expected = interp.eval('shortcuts/decision', { input: fromJS(input) }).map((r) => toJS(r));
    assert.equal(expected.length, 1, 'the decision is defined for every input');
    const actual = policy.evaluate(input, 'shortcuts/decision') as unknown[];
    assert.deepEqual(actual, expected, `input ${JSON.stringify(input)}`);
  }
});

function dataLookups(policy: Policy): number {
  let n = 0;
  const visit = (blocks: readonly Block[]): void => {
    for (const b of blocks) {
      for (const s of b.stmts ?? []) {
        if (s.type === 'DotStmt' && s.stmt.source.type === 'local' && s.stmt.source.value === DATA_LOCAL) n++;
        if (s.type === 'BlockStmt') visit(s.stmt.blocks ?? []);
        else if (s.type === 'ScanStmt' || s.type === 'NotStmt' || s.type === 'WithStmt') visit([s.stmt.block]);
      }
    }
  };
  for (const f of policy.funcs?.funcs ?? []) visit(f.blocks);
  for (const p of policy.plans.plans ?? []) visit(p.blocks);
  return n;
}

test('pruning drops the unused lookups of rules in data, and keeps what `not` depends on', () => {
  const { ir } = planOf();
  assert.ok(dataLookups(ir) > 0, 'the planner looks rules up in data before calling them');
  const pruned = pruneDeadWrites(ir);
  assert.equal(dataLookups(pruned), 0);
  const notBodies = JSON.stringify(pruned).match(/"NotStmt"/g)?.length ?? 0;
  assert.equal(notBodies, JSON.stringify(ir).match(/"NotStmt"/g)?.length ?? 0);
  const notWithDot = (p: Policy): number =>
    (JSON.stringify(p).match(/"type":"NotStmt","stmt":\{"block":\{"stmts":\[[^\]]*"DotStmt"/g) ?? []).length;
  assert.equal(notWithDot(pruned), notWithDot(ir), 'lookups inside `not` are kept');
});
