// How to start the benchmark's own programs: compiled from dist/ under `npm run bench`, or
// through tsx when the bench itself runs from source (`node --import tsx bench/run.ts`), so a
// source edit is measured without a build.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../src/util/package-root.js';

export const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');

/** node arguments running `relative` (a path under the package root, without extension). */
export function nodeArgs(relative: string): string[] {
  const root = packageRoot();
  return fromSource ? ['--import', 'tsx', join(root, `${relative}.ts`)] : [join(root, 'dist', `${relative}.js`)];
}
