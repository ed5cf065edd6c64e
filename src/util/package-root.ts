// The directory holding Changegate's package.json, found by walking up from this file, so the
// same code works from src/ (tsx) and dist/src/ (compiled).

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 12; i++) {
    if (existsSync(join(dir, 'package.json'))) return (root = dir);
    dir = dirname(dir);
  }
  throw new Error(`package.json not found above ${fileURLToPath(import.meta.url)}`);
}
