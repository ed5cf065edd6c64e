// Every OPA plan case through the backend: a case that passes today must keep passing.
// known-failures-all.json lists today's failures (regenerate with tools/conformance/known-failures.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBackendCase } from '../../../tools/conformance/backend.js';
import { conformanceDir, loadPlanCases } from '../../../tools/conformance/cases.js';
import { repoRoot } from '../../../src/rego/wasm/index.js';

const root = repoRoot();
const dir = conformanceDir(root);

test('every passing plan case keeps passing through the backend', async () => {
  // The data ships beside the repository (../shared); without it this guard can't run, so it fails.
  assert.ok(existsSync(join(dir, 'plans')), `OPA's conformance plans are missing at ${dir}`);
  const known = new Set(JSON.parse(readFileSync(join(root, 'test/rego/wasm/known-failures-all.json'), 'utf8')) as string[]);
  const cases = loadPlanCases(dir);
  const regressions: string[] = [];
  let passed = 0;
  for (const lc of cases) {
    const outcome = await runBackendCase(lc);
    const id = `${lc.file}#${lc.index} :: ${lc.case.note}`;
    if (outcome.status === 'passed') passed++;
    else if (outcome.status === 'failed' && !known.has(id)) regressions.push(`${id}: ${outcome.detail}`);
  }
  assert.deepEqual(regressions, [], `${regressions.length} plan cases regressed`);
  assert.ok(passed >= cases.length - known.size - 10, `only ${passed} of ${cases.length} plan cases passed`);
});
