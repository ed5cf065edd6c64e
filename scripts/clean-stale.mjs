// Removes compiled files under dist/ whose TypeScript source is gone. tsc never deletes output,
// so after a file moves its old .js would stay behind, and `node --test dist/test/` would still
// run a test (against stale code) that no longer exists. Run before tsc by `npm run build:ts`.

import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

function clean(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      clean(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    } else if (name.endsWith('.js') || name.endsWith('.js.map')) {
      const source = join(root, relative(dist, path).replace(/\.js(\.map)?$/, '.ts'));
      if (!existsSync(source)) rmSync(path);
    }
  }
}

for (const part of ['src', 'test', 'bench', 'tools']) clean(join(dist, part));
