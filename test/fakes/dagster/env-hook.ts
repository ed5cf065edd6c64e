// TEST HOOK, not Dagster behaviour: on start the stand-in webserver writes the DAGSTER_CLOUD_* and
// CHANGEGATE_* variables it was started with (and its argv) to `<checkout>/.fake-dagster/env.json`,
// so an end-to-end test can prove what the branch-deployment launcher passed to the process.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ENV_HOOK_DIR = '.fake-dagster';
export const ENV_HOOK_FILE = 'env.json';

export interface EnvHookRecord {
  readonly pid: number;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly dagsterHome: string | null;
  /** DAGSTER_CLOUD_* and CHANGEGATE_* only; nothing else from the environment. */
  readonly env: Readonly<Record<string, string>>;
}

export function hookedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [k, v] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (v !== undefined && (k.startsWith('DAGSTER_CLOUD_') || k.startsWith('CHANGEGATE_'))) picked[k] = v;
  }
  return picked;
}

/** Writes the record atomically (readers never see half a file), owner-only: values may be tokens. */
export function writeEnvHook(checkout: string, record: EnvHookRecord): string {
  const dir = join(checkout, ENV_HOOK_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, ENV_HOOK_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  return file;
}
