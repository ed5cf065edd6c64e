// `npm run conformance [-- --backend] [--filter substr] [--verbose]`: OPA's conformance cases
// through our backend (plans) or the whole pipeline (Rego source), a table per folder, a summary.
import { join } from 'node:path';
import { packageRoot } from '../../src/util/package-root.js';
import { runBackendCase } from './backend.js';
import { conformanceDir, loadPlanCases, loadSourceCases, type LoadedCase } from './cases.js';
import { fullPipelineCase } from './pipeline.js';
import { Tallies, writeResults } from './report.js';
import type { Outcome } from './verdict.js';

interface Options {
  readonly backend: boolean;
  readonly filter: string | null;
  readonly verbose: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const i = argv.indexOf('--filter');
  return {
    backend: argv.includes('--backend'),
    filter: i >= 0 ? (argv[i + 1] ?? '') : null,
    verbose: argv.includes('--verbose'),
  };
}

type Runner = (lc: LoadedCase) => Promise<Outcome>;

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const root = packageRoot();
  const runner: Runner = opts.backend ? runBackendCase : fullPipelineCase;
  const all = opts.backend ? loadPlanCases(conformanceDir(root)) : loadSourceCases(conformanceDir(root));
  const cases = opts.filter === null ? all : all.filter((lc) => lc.file.includes(opts.filter as string) || lc.case.note.includes(opts.filter as string));
  const tallies = new Tallies();
  for (const lc of cases) {
    const outcome = await runner(lc);
    tallies.add(lc.folder, outcome);
    if (opts.verbose && outcome.status === 'failed') console.log(`FAIL ${lc.file} ${lc.case.note}\n      ${outcome.detail}`);
  }
  console.log(tallies.table());
  console.log(tallies.summaryLine());
  if (opts.filter === null) {
    const mode = opts.backend ? 'backend' : 'pipeline';
    const file = join(root, 'test/conformance', opts.backend ? 'results.md' : 'results-pipeline.md');
    writeResults(file, tallies.markdown(`Conformance results (${mode})`, opts.backend
      ? 'OPA IR plans from ../shared/conformance/opa/plans compiled by our backend (src/rego/wasm) and run in @open-policy-agent/opa-wasm. Written by `npm run conformance -- --backend`.'
      : 'Rego source compiled by our whole pipeline and run in @open-policy-agent/opa-wasm. Written by `npm run conformance`.'));
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
