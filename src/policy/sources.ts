// Reads a policy directory: every .rego file below it, plus an optional data.json or
// data.yaml at its root. The revision is a hash of exactly what was read, so two replicas with
// the same files report the same revision in their audit records.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ChangegateError } from '../errors.js';

export interface RegoSource {
  /** Path relative to the policy directory, used in error messages. */
  readonly file: string;
  readonly text: string;
}

export interface PolicySources {
  readonly dir: string;
  readonly modules: readonly RegoSource[];
  readonly data: unknown;
  readonly revision: string;
}

const MAX_FILES = 2000;

export function readPolicySources(dir: string): PolicySources {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    throw new ChangegateError('policy_compile', `policy directory ${dir} does not exist`);
  }
  if (!stat.isDirectory()) throw new ChangegateError('policy_compile', `policy path ${dir} is not a directory`);
  const files = listRego(dir).sort();
  if (files.length === 0) throw new ChangegateError('policy_compile', `policy directory ${dir} has no .rego files`);
  const hash = createHash('sha256');
  const modules = files.map((path) => {
    const text = readFileSync(path, 'utf8');
    const file = relative(dir, path);
    hash.update(file).update('\0').update(text).update('\0');
    return { file, text };
  });
  const data = readData(dir, hash);
  return { dir, modules, data, revision: hash.digest('hex').slice(0, 16) };
}

function listRego(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listRego(path, out);
    else if (entry.isFile() && entry.name.endsWith('.rego')) out.push(path);
    if (out.length > MAX_FILES) throw new ChangegateError('policy_compile', `policy directory ${dir} has more than ${MAX_FILES} files`);
  }
  return out;
}

function readData(dir: string, hash: ReturnType<typeof createHash>): unknown {
  for (const name of ['data.json', 'data.yaml', 'data.yml']) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch {
      continue;
    }
    hash.update(name).update('\0').update(text);
    try {
      return name.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
    } catch (e) {
      throw new ChangegateError('policy_compile', `${join(dir, name)}: ${(e as Error).message}`);
    }
  }
  return {};
}
