// Compiles the AssemblyScript Rego runtime once, at install time, into build/runtime.wasm.
// Policies are never compiled with asc: the backend links generated code into this module.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'src/rego/runtime/assembly/index.ts');
const out = join(root, 'dist/runtime/opa-runtime.wasm');
if (!existsSync(entry)) {
  console.error(`build-runtime: ${entry} is missing`);
  process.exit(1);
}
mkdirSync(dirname(out), { recursive: true });
const asc = join(root, 'node_modules/assemblyscript/bin/asc.js');
const args = [
  asc, entry,
  '--config', join(root, 'src/rego/runtime/asconfig.json'),
  '--outFile', out,
];
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
