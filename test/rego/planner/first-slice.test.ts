// The first-slice and core-language conformance folders through the whole front end
// (parse -> passes -> plan) and the reference interpreter, with a known-failures list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from '../interp/plans-harness.js';
import { regressions, tally } from '../interp/known-failures.js';
import { runYamlCases } from './cases-harness.js';

export const FIRST_SLICE = [
  'completedoc', 'partialsetdoc', 'partialobjectdoc', 'defaultkeyword', 'elsekeyword', 'functions',
  'containskeyword', 'every', 'negation', 'comprehensions', 'sets', 'comparisonexpr', 'arithmetic',
  'strings', 'globmatch', 'regexmatch', 'aggregates', 'objectget', 'time', 'netcidrcontains',
];

export const CORE = [
  'eqexpr', 'evaltermexpr', 'virtualdocs', 'baseandvirtualdocs', 'refheads', 'keywordrefs',
  'withkeyword', 'nestedreferences', 'varreferences', 'indirectreferences', 'compositereferences',
  'disjunction', 'assignments', 'undos', 'dataderef', 'inputvalues', 'functionerrors',
];

for (const [name, folders] of [['first slice', FIRST_SLICE], ['core language', CORE]] as const) {
  test(`front end + interpreter on ${name} folders (no regressions)`, () => {
    const outcomes = runYamlCases(folders);
    const t = tally(outcomes);
    const file = name === 'first slice' ? 'first-slice-known-failures.json' : 'core-known-failures.json';
    const bad = regressions(outcomes, join(repoRoot(), 'test', 'rego', 'planner', file));
    console.log(`${name}: ${t.pass} passed, ${t.fail} failed, ${t.skip} skipped`);
    assert.deepEqual(bad, [], `new failures:\n${bad.join('\n')}`);
    assert.ok(t.pass > 0);
  });
}
