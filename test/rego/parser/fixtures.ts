// Locates shared test data from both the tsx run (test/...) and the compiled run (dist/test/...):
// walk up from this file to the repo root (the directory with package.json), then to ../shared.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 20; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('repository root not found');
}

export function casesDir(): string {
  return join(repoRoot(), '..', 'shared', 'conformance', 'opa', 'cases');
}

export interface ConformanceCase {
  readonly folder: string;
  readonly file: string;
  readonly note: string;
  readonly query: string | undefined;
  readonly modules: readonly string[];
  readonly wantErrorCode: string | undefined;
}

function asCase(folder: string, file: string, raw: unknown): ConformanceCase | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const modules = Array.isArray(r['modules']) ? r['modules'].filter((m): m is string => typeof m === 'string') : [];
  return {
    folder,
    file,
    note: typeof r['note'] === 'string' ? r['note'] : file,
    query: typeof r['query'] === 'string' ? r['query'] : undefined,
    modules,
    wantErrorCode: typeof r['want_error_code'] === 'string' ? r['want_error_code'] : undefined,
  };
}

/** Every case of every YAML file, grouped by folder (sorted, so runs are deterministic). */
export function loadCases(): ConformanceCase[] {
  const root = casesDir();
  const out: ConformanceCase[] = [];
  for (const folder of readdirSync(root).sort()) {
    const dir = join(root, folder);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort()) {
      const doc: unknown = parseYaml(readFileSync(join(dir, file), 'utf8'));
      const cases = (doc as { cases?: unknown } | null)?.cases;
      if (!Array.isArray(cases)) continue;
      for (const c of cases) {
        const parsed = asCase(folder, file, c);
        if (parsed !== undefined) out.push(parsed);
      }
    }
  }
  return out;
}
