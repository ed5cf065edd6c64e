// A fingerprint of the compiler's own code: a compiled policy cached on disk is reused only by
// the exact compiler that produced it, so an upgrade (or a rebuilt runtime) never runs Wasm an
// older compiler made. Hashes every module file under this directory, in a fixed order.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CODE = /\.(js|mjs|ts|wasm)$/;

let cached: string | undefined;

export function compilerFingerprint(): string {
  if (cached !== undefined) return cached;
  const root = dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isFile() && CODE.test(e.name) && !e.name.endsWith('.d.ts')) hash.update(path.slice(root.length)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  walk(root);
  cached = hash.digest('hex');
  return cached;
}
