// Runs OPA's planned conformance cases (shared/conformance/opa/plans) through the reference
// IR interpreter and compares each result set with the case's want_result / want_error.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Policy } from '../../../src/rego/ir/types.js';
import { Interpreter } from '../../../src/rego/interp/eval.js';
import { EvalError } from '../../../src/rego/value/errors.js';
import { parseJSONValue } from '../../../src/rego/value/json.js';
import { compare, keyOf, RObject, toJSONText, type Value } from '../../../src/rego/value/value.js';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('package.json not found above test file');
}

export function conformanceDir(): string {
  return join(repoRoot(), '..', 'shared', 'conformance', 'opa');
}

/** Cases OPA's own Wasm target skips (shared/conformance/opa/SOURCE.md). */
export function wasmSkipped(note: string): boolean {
  return (
    note.startsWith('functions/default') ||
    note === 'data/toplevel integer' ||
    note === 'data/nested integer' ||
    note.includes('replacement is value that needs eval (array comprehension)')
  );
}

export interface CaseOutcome {
  readonly folder: string;
  readonly note: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail?: string;
}

function field(v: Value, k: string): Value | undefined {
  return v instanceof RObject ? v.get(k) : undefined;
}

/** With sort_bindings, array-valued bindings compare as sorted arrays. */
function sortBindings(v: Value): Value {
  if (!(v instanceof RObject)) return v;
  const out = new RObject();
  for (const [k, x] of v.sortedEntries()) out.set(k, Array.isArray(x) ? [...x].sort(compare) : x);
  return out;
}

/** Compares a result set with want_result as multisets of binding objects. */
export function sameResults(got: Value[], want: Value | undefined, sort = false): boolean {
  const w = Array.isArray(want) ? want : [];
  const norm = (v: Value): string => keyOf(sort ? sortBindings(v) : v);
  // want_result is JSON: sets appear as arrays and non-string keys as strings.
  const a = got.map((v) => norm(parseJSONValue(toJSONText(v)))).sort();
  const b = w.map(norm).sort();
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

export function checkOutcome(
  run: () => Value[],
  c: Value,
): { ok: boolean; detail?: string } {
  const wantCode = field(c, 'want_error_code');
  const wantErr = field(c, 'want_error');
  const strict = field(c, 'strict_error') === true;
  const expectError = (wantCode !== undefined || wantErr !== undefined) && !strict;
  try {
    const got = run();
    if (expectError) return { ok: false, detail: `expected error ${String(wantCode)}, got ${got.length} results` };
    const want = field(c, 'want_result');
    if (sameResults(got, want, field(c, 'sort_bindings') === true)) return { ok: true };
    return { ok: false, detail: `got ${got.map(keyOf).join(' ')} want ${Array.isArray(want) ? want.map(keyOf).join(' ') : 'none'}` };
  } catch (e) {
    if (expectError && e instanceof EvalError && (wantCode === undefined || wantCode === e.code || e.code !== 'eval_internal_error')) {
      return { ok: true };
    }
    if (expectError && !(e instanceof EvalError) && wantCode !== undefined && String(wantCode).startsWith('rego_')) {
      return { ok: true };
    }
    return { ok: false, detail: `threw ${(e as Error).message}` };
  }
}

export function runPlanCases(folders?: readonly string[]): CaseOutcome[] {
  const root = join(conformanceDir(), 'plans');
  const out: CaseOutcome[] = [];
  for (const folder of readdirSync(root).sort()) {
    if (folders !== undefined && !folders.includes(folder)) continue;
    for (const file of readdirSync(join(root, folder)).sort()) {
      const text = readFileSync(join(root, folder, file), 'utf8');
      const raw = JSON.parse(text) as { cases: { plan: Policy; entrypoints: string[]; input_term?: string }[] };
      const vals = field(parseJSONValue(text), 'cases') as Value[];
      raw.cases.forEach((rc, i) => {
        const c = vals[i] as Value;
        const note = String(field(c, 'note'));
        let termInput: Value | undefined;
        try {
          termInput = rc.input_term === undefined ? undefined : parseJSONValue(rc.input_term);
        } catch {
          termInput = undefined;
        }
        if (wasmSkipped(note) || (rc.input_term !== undefined && termInput === undefined)) {
          out.push({ folder, note, status: 'skip' });
          return;
        }
        const interp = new Interpreter(rc.plan);
        const ep = rc.entrypoints[0] ?? 'eval';
        const input = termInput ?? field(c, 'input');
        const data = field(c, 'data') ?? new RObject();
        const res = checkOutcome(() => interp.eval(ep, { input, data, nowNs: 1_700_000_000_000_000_000n, maxSteps: 5_000_000 }), c);
        out.push({ folder, note, status: res.ok ? 'pass' : 'fail', ...(res.detail ? { detail: res.detail } : {}) });
      });
    }
  }
  return out;
}
