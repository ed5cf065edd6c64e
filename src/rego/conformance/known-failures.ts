// `node --import tsx src/rego/conformance/known-failures.ts` rewrites test/rego/wasm/known-failures.json
// with the first-slice cases that fail today (the regression baseline for test/rego/wasm/slice.test.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../wasm/index.js';
import { runBackendCase } from './backend.js';
import { conformanceDir, loadPlanCases } from './cases.js';

export const SLICE_FOLDERS = [
  'eqexpr', 'completedoc', 'defaultkeyword', 'elsekeyword', 'functions', 'comprehensions', 'every',
  'negation', 'partialsetdoc', 'partialobjectdoc', 'virtualdocs', 'strings', 'globmatch',
  'netcidrcontains', 'objectget', 'aggregates', 'withkeyword',
];

async function main(): Promise<void> {
  const root = repoRoot();
  const failing: string[] = [];
  for (const lc of loadPlanCases(conformanceDir(root)).filter((c) => SLICE_FOLDERS.includes(c.folder))) {
    const o = await runBackendCase(lc);
    if (o.status === 'failed') failing.push(`${lc.file}#${lc.index} :: ${lc.case.note}`);
  }
  writeFileSync(join(root, 'test/rego/wasm/known-failures.json'), JSON.stringify(failing, null, 2) + '\n');
  console.log(`${failing.length} known failures written`);
}

void main();
