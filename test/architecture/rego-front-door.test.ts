// The compiler's one front door: no file outside src/rego imports a module under src/rego other
// than src/rego/index.ts. Only test/rego, which tests the compiler's stages one by one, may reach
// behind it. Reads the TypeScript sources, so it holds for type-only imports too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { packageRoot } from '../../src/util/package-root.js';

const root = packageRoot();
const FRONT_DOOR = 'src/rego/index.ts';
/** Folders whose files may import the compiler's internals (posix paths from the root). */
const INSIDE = ['src/rego/', 'test/rego/'];
const SCANNED = ['src', 'test', 'bench', 'tools'];
/** This file: its examples below are strings that look like forbidden imports. */
const SELF = 'test/architecture/rego-front-door.test.ts';

/** Every `from '...'`, `import '...'` and `import('...')` specifier in a TypeScript source. */
function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\1/g)) out.push(m[2]!);
  return out;
}

function posix(path: string): string {
  return path.split(sep).join('/');
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** `file imports spec` lines that reach behind the front door. */
function frontDoorViolations(file: string, text: string): string[] {
  if (INSIDE.some((p) => file.startsWith(p))) return [];
  const bad: string[] = [];
  for (const spec of importSpecifiers(text)) {
    if (!spec.startsWith('.')) continue;
    const target = posix(relative(root, resolve(root, dirname(file), spec))).replace(/\.js$/, '.ts');
    if (target.startsWith('src/rego/') && target !== FRONT_DOOR) bad.push(`${file} imports ${spec}`);
  }
  return bad;
}

test('nothing outside src/rego imports the compiler behind src/rego/index.ts', () => {
  const files = SCANNED.flatMap(sourceFiles).filter((f) => f !== SELF);
  assert.ok(files.length > 100, `found only ${files.length} source files under ${root}`);
  const violations = files.flatMap((f) => frontDoorViolations(f, readFileSync(join(root, f), 'utf8')));
  assert.deepEqual(violations, []);
});

test('the rule catches a deep import, a type-only one and a dynamic one', () => {
  assert.deepEqual(frontDoorViolations('src/policy/x.ts', "import { a } from '../rego/compile.js';"), ['src/policy/x.ts imports ../rego/compile.js']);
  assert.equal(frontDoorViolations('src/policy/x.ts', "import type { M } from '../rego/ast/types.js';").length, 1);
  assert.equal(frontDoorViolations('tools/c/run.ts', "const m = await import('../../src/rego/wasm/index.js');").length, 1);
  assert.deepEqual(frontDoorViolations('src/policy/x.ts', "import { a } from '../rego/index.js';"), []);
  assert.deepEqual(frontDoorViolations('test/rego/x.test.ts', "import { a } from '../../src/rego/compile.js';"), []);
});
