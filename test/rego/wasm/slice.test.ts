// The first-slice conformance folders through the backend: every case not listed in
// known-failures.json must pass, so a regression fails the test. Shrink the list as fixes land.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBackendCase } from '../../../src/rego/conformance/backend.js';
import { conformanceDir, loadPlanCases } from '../../../src/rego/conformance/cases.js';
import { repoRoot } from '../../../src/rego/wasm/index.js';

const SLICE = new Set([
  'eqexpr', 'completedoc', 'defaultkeyword', 'elsekeyword', 'functions', 'comprehensions', 'every',
  'negation', 'partialsetdoc', 'partialobjectdoc', 'virtualdocs', 'strings', 'globmatch',
  'netcidrcontains', 'objectget', 'aggregates', 'withkeyword',
]);

const root = repoRoot();
const dir = conformanceDir(root);

test('first-slice conformance cases pass through the backend', { skip: !existsSync(join(dir, 'plans')) && 'conformance data not present' }, async () => {
  const known = new Set(JSON.parse(readFileSync(join(root, 'test/rego/wasm/known-failures.json'), 'utf8')) as string[]);
  const cases = loadPlanCases(dir).filter((lc) => SLICE.has(lc.folder));
  assert.ok(cases.length > 300, `expected the slice's cases, found ${cases.length}`);
  const regressions: string[] = [];
  let passed = 0;
  for (const lc of cases) {
    const outcome = await runBackendCase(lc);
    const id = `${lc.file}#${lc.index} :: ${lc.case.note}`;
    if (outcome.status === 'passed') passed++;
    else if (outcome.status === 'failed' && !known.has(id)) regressions.push(`${id}: ${outcome.detail}`);
  }
  assert.deepEqual(regressions, [], `${regressions.length} slice cases regressed`);
  assert.ok(passed >= cases.length * 0.9, `only ${passed} of ${cases.length} slice cases passed`);
});
