// OPA's conformance cases as the team's copy stores them (plans/: JSON with IR plans).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { IrPolicy as Policy } from '../../src/rego/index.js';
import type { Json } from './json-order.js';

export interface ConformanceCase {
  readonly note: string;
  readonly query: string;
  readonly modules?: readonly string[];
  readonly data?: Json;
  readonly input?: Json;
  readonly input_term?: string;
  readonly want_result?: readonly Json[];
  readonly want_error?: string;
  readonly want_error_code?: string;
  readonly strict_error?: boolean;
  readonly sort_bindings?: boolean;
  readonly plan?: Policy;
  readonly entrypoints?: readonly string[];
}

export interface LoadedCase {
  readonly folder: string;
  readonly file: string;
  /** Position within the file: notes repeat inside some files. */
  readonly index: number;
  readonly case: ConformanceCase;
}

/** The shared conformance directory: $CHANGEGATE_CONFORMANCE_DIR, else ../shared/conformance/opa. */
export function conformanceDir(repoRoot: string): string {
  return process.env['CHANGEGATE_CONFORMANCE_DIR'] ?? join(repoRoot, '..', 'shared', 'conformance', 'opa');
}

export function loadPlanCases(dir: string): LoadedCase[] {
  const plans = join(dir, 'plans');
  if (!existsSync(plans)) throw new Error(`conformance plans not found at ${plans}`);
  const out: LoadedCase[] = [];
  for (const folder of readdirSync(plans).sort()) {
    const folderPath = join(plans, folder);
    for (const file of readdirSync(folderPath).filter((f) => f.endsWith('.json')).sort()) {
      const parsed = JSON.parse(readFileSync(join(folderPath, file), 'utf8')) as { cases?: ConformanceCase[] };
      (parsed.cases ?? []).forEach((c, index) => out.push({ folder, file: `${folder}/${file}`, index, case: c }));
    }
  }
  return out;
}

/** The YAML cases (original Rego source, 2,095 cases) for the whole-pipeline run. */
export function loadSourceCases(dir: string): LoadedCase[] {
  const root = join(dir, 'cases');
  if (!existsSync(root)) throw new Error(`conformance cases not found at ${root}`);
  const out: LoadedCase[] = [];
  for (const folder of readdirSync(root).sort()) {
    const folderPath = join(root, folder);
    for (const file of readdirSync(folderPath).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      const parsed = parseYaml(readFileSync(join(folderPath, file), 'utf8')) as { cases?: ConformanceCase[] } | null;
      (parsed?.cases ?? []).forEach((c, index) => out.push({ folder, file: `${folder}/${file}`, index, case: c }));
    }
  }
  return out;
}
