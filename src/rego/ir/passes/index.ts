// The IR-to-IR passes as an ordered, named table, like the front end's (../../passes/index.ts).
// Each rewrites a plan into one that gives the same answers with less work; none is needed for
// correctness. They run between the planner and the Wasm backend on every policy, ours and OPA's
// plans alike (compile.ts), and test/rego/wasm/shortcuts.test.ts checks the answers against the
// reference interpreter on the unrewritten plan.
//
// The backend's third shortcut, reading a repeated `input.x` once per function, is an analysis
// rather than a rewrite (../analysis/invariant-lookups.ts): the IR has no statement for "compute
// on first use, then reuse", so the backend caches those lookups in Wasm locals.
import type { Policy } from '../types.js';
import { fuseComparisons } from './fuse-comparisons.js';
import { pruneDeadWrites } from './prune-dead-writes.js';

export interface IrPass {
  readonly name: string;
  readonly run: (policy: Policy) => Policy;
}

export const IR_PASSES: readonly IrPass[] = [
  // The planner looks every rule up in data before calling it and then never reads the result:
  // drop such writes (and lookups whose failure nobody observes) first, so the next pass sees
  // the read counts that remain.
  { name: 'pruneDeadWrites', run: pruneDeadWrites },
  // `a == b` in a body is a call to equal and a test of its result; with the result read only by
  // that test (which pruning may have just made true), the two become one comparison.
  { name: 'fuseComparisons', run: fuseComparisons },
];

export function runIrPasses(policy: Policy, passes: readonly IrPass[] = IR_PASSES): Policy {
  return passes.reduce((p, pass) => pass.run(p), policy);
}
