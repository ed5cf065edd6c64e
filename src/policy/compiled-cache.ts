// Compiled policies kept on disk (in stateDir), so a restart with unchanged policy files skips
// the Rego compiler: parsing, planning and Wasm generation were about a third of the time from
// spawn to ready. Keyed by the compiler's own fingerprint, the entrypoints and the Rego sources
// (data is loaded at run time, so it is not part of the key). stateDir is trusted like the keys
// it holds; a cached module is still only used if it loads, else the policy is compiled again.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilerFingerprint } from '../rego/index.js';
import type { PolicySources } from './sources.js';

export interface CompiledPolicy {
  readonly wasm: Uint8Array;
  /** The test_* rules compiled into it as entrypoints. */
  readonly tests: readonly { readonly name: string; readonly file: string }[];
}

/** Entries kept: older ones (by modification time) are removed when a new one is written. */
const KEEP = 8;

export function cacheKey(sources: PolicySources, entrypoint: string): string {
  const hash = createHash('sha256').update(compilerFingerprint()).update('\0').update(entrypoint).update('\0');
  for (const m of sources.modules) hash.update(m.file).update('\0').update(m.text).update('\0');
  return hash.digest('hex');
}

export function readCompiled(dir: string, key: string): CompiledPolicy | undefined {
  try {
    const meta = JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8')) as { tests?: unknown };
    if (!Array.isArray(meta.tests) || !meta.tests.every(isTest)) return undefined;
    return { wasm: readFileSync(join(dir, `${key}.wasm`)), tests: meta.tests };
  } catch {
    return undefined;
  }
}

function isTest(t: unknown): t is { name: string; file: string } {
  return t !== null && typeof t === 'object' && typeof (t as { name?: unknown }).name === 'string' && typeof (t as { file?: unknown }).file === 'string';
}

/** Best effort: a cache that cannot be written costs the next start a compile, nothing more. */
export function writeCompiled(dir: string, key: string, compiled: CompiledPolicy, warn: (message: string) => void): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o750 });
    // The .wasm first and the .json last, each renamed into place: a reader that finds the
    // .json finds a whole .wasm.
    const put = (name: string, bytes: Uint8Array | string): void => {
      const tmp = join(dir, `.${name}.${process.pid}.tmp`);
      writeFileSync(tmp, bytes, { mode: 0o640 });
      renameSync(tmp, join(dir, name));
    };
    put(`${key}.wasm`, compiled.wasm);
    put(`${key}.json`, JSON.stringify({ tests: compiled.tests }));
    prune(dir);
  } catch (e) {
    warn(`compiled policy cache in ${dir} not written: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function prune(dir: string): void {
  const entries = readdirSync(dir)
    .filter((f) => /^[0-9a-f]{64}\.json$/.test(f))
    .map((f) => ({ key: f.slice(0, 64), mtime: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of entries.slice(KEEP)) {
    for (const ext of ['.json', '.wasm']) {
      try {
        unlinkSync(join(dir, old.key + ext));
      } catch {
        // another process pruned it
      }
    }
  }
}
