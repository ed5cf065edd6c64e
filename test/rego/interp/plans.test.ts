// OPA's own IR plans through the reference interpreter: the interpreter is our oracle-checked
// evaluator, so every plan case that passed once must keep passing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runPlanCases, repoRoot } from './plans-harness.js';
import { regressions, tally } from './known-failures.js';

test('IR interpreter passes OPA plan cases (no regressions)', () => {
  const outcomes = runPlanCases();
  const t = tally(outcomes);
  const bad = regressions(outcomes, join(repoRoot(), 'test', 'rego', 'interp', 'plans-known-failures.json'));
  console.log(`interpreter on plans: ${t.pass} passed, ${t.fail} failed, ${t.skip} skipped`);
  assert.deepEqual(bad, [], `new failures:\n${bad.join('\n')}`);
  assert.ok(t.pass > 1000);
});
