// `node --import tsx tools/conformance/known-failures.ts` rewrites the regression baseline
// test/rego/wasm/known-failures-all.json (every plan case, for conformance-all.test.ts). The
// first-slice folders may never appear in it (slice.test.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/package-root.js';
import { runBackendCase } from './backend.js';
import { conformanceDir, loadPlanCases } from './cases.js';

export const SLICE_FOLDERS = [
  'eqexpr', 'completedoc', 'defaultkeyword', 'elsekeyword', 'functions', 'comprehensions', 'every',
  'negation', 'partialsetdoc', 'partialobjectdoc', 'virtualdocs', 'strings', 'globmatch',
  'netcidrcontains', 'objectget', 'aggregates', 'withkeyword',
];

async function main(): Promise<void> {
  const root = packageRoot();
  const failing: { id: string; folder: string }[] = [];
  for (const lc of loadPlanCases(conformanceDir(root))) {
    const o = await runBackendCase(lc);
    if (o.status === 'failed') failing.push({ id: `${lc.file}#${lc.index} :: ${lc.case.note}`, folder: lc.folder });
  }
  const slice = failing.filter((f) => SLICE_FOLDERS.includes(f.folder)).map((f) => f.id);
  writeFileSync(join(root, 'test/rego/wasm/known-failures-all.json'), JSON.stringify(failing.map((f) => f.id), null, 2) + '\n');
  console.log(`${slice.length} slice and ${failing.length} overall known failures written`);
}

// Imported by slice.test.ts for SLICE_FOLDERS: only run when executed directly.
if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) void main();
