// Compiles the AssemblyScript Rego runtime once, at install time, into dist/runtime/opa-runtime.wasm.
// Policies are never compiled with asc: the backend links generated code into this module (see
// src/rego/runtime/API.md). After compiling, the `opa_runtime_data_end` global is patched to the end
// of the runtime's data segments, which AS itself can only compute at run time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
// Built under a private name and renamed into place, so concurrent builds (parallel test files
// finding a stale module) never expose a half-written file.
const tmp = `${out}.${process.pid}.tmp`;
const args = [
  asc, 'src/rego/runtime/assembly/index.ts',
  '--config', 'src/rego/runtime/asconfig.json',
  '--outFile', tmp,
];
// cwd = repo root: asconfig's `use abort=src/rego/runtime/assembly/env/runtimeAbort` is root-relative.
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
if (r.status !== 0) process.exit(r.status ?? 1);

const PLACEHOLDER = [0x41, 0xff, 0xff, 0xff, 0xff, 0x07, 0x0b]; // i32.const 0x7fffffff; end

function uleb(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [value, pos];
  }
}

function sectionsOf(buf) {
  const found = new Map();
  let pos = 8;
  while (pos < buf.length) {
    const id = buf[pos];
    const [size, start] = uleb(buf, pos + 1);
    found.set(id, { start, end: start + size });
    pos = start + size;
  }
  return found;
}

function exportedGlobal(buf, sec, name) {
  let [n, p] = uleb(buf, sec.start);
  for (; n > 0; n--) {
    let len;
    [len, p] = uleb(buf, p);
    const field = buf.subarray(p, p + len).toString('utf8');
    p += len;
    const kind = buf[p++];
    let index;
    [index, p] = uleb(buf, p);
    if (kind === 3 && field === name) return index;
  }
  throw new Error(`export ${name} not found`);
}

function dataEnd(buf, sec) {
  let [n, p] = uleb(buf, sec.start);
  let end = 0;
  for (; n > 0; n--) {
    if (buf[p++] !== 0 || buf[p++] !== 0x41) throw new Error('expected active data segments with i32.const offsets');
    let offset = 0;
    let shift = 0;
    let b;
    do { b = buf[p++]; offset |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    if (buf[p++] !== 0x0b) throw new Error('unexpected data offset expression');
    let len;
    [len, p] = uleb(buf, p);
    p += len;
    end = Math.max(end, offset + len);
  }
  return end;
}

/** Overwrites the placeholder init of global `index` with a same-size (padded) LEB of `value`. */
function patchGlobal(buf, sec, index, value) {
  let [n, p] = uleb(buf, sec.start);
  for (let i = 0; i < n; i++) {
    p += 2; // value type, mutability
    if (i === index) {
      if (!PLACEHOLDER.every((b, k) => buf[p + k] === b)) throw new Error('opa_runtime_data_end placeholder not found');
      for (let k = 0; k < 4; k++) buf[p + 1 + k] = ((value >>> (7 * k)) & 0x7f) | 0x80;
      buf[p + 5] = (value >>> 28) & 0x07;
      return;
    }
    const op = buf[p++];
    if (op === 0x43) p += 4;
    else if (op === 0x44) p += 8;
    else while (buf[p++] & 0x80) { /* skip LEB */ }
    if (buf[p++] !== 0x0b) throw new Error('unexpected global init expression');
  }
  throw new Error('global index out of range');
}

const wasm = readFileSync(tmp);
const secs = sectionsOf(wasm);
const end = (dataEnd(wasm, secs.get(11)) + 7) & ~7;
patchGlobal(wasm, secs.get(6), exportedGlobal(wasm, secs.get(7), 'opa_runtime_data_end'), end);
writeFileSync(tmp, wasm);
renameSync(tmp, out);
console.log(`build-runtime: ${out} (${wasm.length} bytes, runtime data ends at ${end})`);
