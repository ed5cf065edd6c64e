// Runs OPA's YAML conformance cases through the whole front end (parse -> passes -> plan) and
// the reference interpreter, comparing with want_result / want_error_code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compileModules, CompileError } from '../../../src/rego/compile.js';
import { Interpreter } from '../../../src/rego/interp/eval.js';
import { EvalError } from '../../../src/rego/value/errors.js';
import { parseJSONValue } from '../../../src/rego/value/json.js';
import { fromJS, RObject, toJS, toJSONText, type Value } from '../../../src/rego/value/value.js';
import { conformanceDir, sameResults, wasmSkipped, type CaseOutcome } from '../interp/plans-harness.js';

interface YamlCase {
  note: string;
  query: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: unknown[];
  want_error_code?: string;
  want_error?: string;
  strict_error?: boolean;
  sort_bindings?: boolean;
}

export function runCase(c: YamlCase): { ok: boolean; detail?: string } {
  const expectCode = c.strict_error ? undefined : c.want_error_code;
  const expectError = !c.strict_error && (c.want_error_code !== undefined || c.want_error !== undefined);
  try {
    const files = (c.modules ?? []).map((text, i) => ({ file: `module-${i}.rego`, text }));
    const { ir } = compileModules(files, { query: c.query });
    const interp = new Interpreter(ir);
    const got = interp.eval('eval', {
      input: c.input === undefined ? undefined : fromJS(c.input),
      data: c.data === undefined ? new RObject() : fromJS(c.data),
      nowNs: 1_700_000_000_000_000_000n,
      maxSteps: 5_000_000,
    });
    if (expectError) return { ok: false, detail: `expected ${expectCode ?? c.want_error}, got ${got.length} results` };
    if (sameResults(got, fromJS(c.want_result ?? []) as Value, c.sort_bindings === true)) return { ok: true };
    return { ok: false, detail: `got ${got.map(toJSONText).join(' ')} want ${toJSONText(fromJS(c.want_result ?? []))}` };
  } catch (e) {
    const code = e instanceof CompileError || e instanceof EvalError ? e.code : undefined;
    if (expectError && code !== undefined && code !== 'eval_internal_error' && (expectCode === undefined || expectCode === code)) return { ok: true };
    return { ok: false, detail: `threw ${(e as Error).message.split('\n')[0]}` };
  }
}

/** input_term is Rego term text; the JSON-compatible ones (nearly all) are used as input. */
function jsonTerm(text: string): Value | undefined {
  try {
    return parseJSONValue(text);
  } catch {
    return undefined;
  }
}

export function runYamlCases(folders?: readonly string[]): CaseOutcome[] {
  const root = join(conformanceDir(), 'cases');
  const out: CaseOutcome[] = [];
  for (const folder of readdirSync(root).sort()) {
    if (folders !== undefined && !folders.includes(folder)) continue;
    for (const file of readdirSync(join(root, folder)).sort()) {
      if (!file.endsWith('.yaml')) continue;
      const doc = parseYaml(readFileSync(join(root, folder, file), 'utf8'), { intAsBigInt: true }) as { cases?: YamlCase[] };
      for (const c of doc.cases ?? []) {
        const termInput = c.input_term === undefined ? undefined : jsonTerm(c.input_term);
        if (wasmSkipped(c.note) || (c.input_term !== undefined && termInput === undefined)) {
          out.push({ folder, note: c.note, status: 'skip' });
          continue;
        }
        const r = runCase(termInput === undefined ? c : { ...c, input: toJS(termInput) });
        out.push({ folder, note: c.note, status: r.ok ? 'pass' : 'fail', ...(r.detail ? { detail: r.detail } : {}) });
      }
    }
  }
  return out;
}
