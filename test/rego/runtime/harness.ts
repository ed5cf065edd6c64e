// Loads dist/runtime/opa-runtime.wasm with our own env imports. The module is built by
// `npm run build:runtime` (part of `npm run build`, which `npm test` runs first); when it is missing
// or older than the AssemblyScript sources, ensureRuntimeBuilt() builds it once.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmApi, type InstanceLike, type MemoryLike } from './wasm-api.js';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 12; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('package.json not found above the test file');
}

export const runtimePath = (): string => join(repoRoot(), 'dist/runtime/opa-runtime.wasm');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    const t = entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

export function ensureRuntimeBuilt(): void {
  const out = runtimePath();
  const src = join(repoRoot(), 'src/rego/runtime');
  const newest = Math.max(newestSource(join(src, 'assembly')), statSync(join(src, 'asconfig.json')).mtimeMs);
  if (existsSync(out) && statSync(out).mtimeMs >= newest) return;
  const r = spawnSync(process.execPath, [join(repoRoot(), 'scripts/build-runtime.mjs')], {
    cwd: repoRoot(), encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`build:runtime failed: ${r.stderr}${r.stdout}`);
}

type Fn = (...args: number[]) => number;

/** The runtime exports these tests call (API.md lists them all). */
export interface Exports {
  opa_malloc: Fn; opa_heap_ptr_get: Fn; opa_heap_ptr_set: Fn;
  opa_json_parse: Fn; opa_json_dump: Fn; opa_value_parse: Fn; opa_value_dump: Fn;
  opa_eval: Fn;
  opa_null: Fn; opa_boolean: Fn; opa_number_int: (i: bigint) => number; opa_number_ref: Fn; opa_string: Fn;
  opa_array_with_cap: Fn; opa_object: Fn; opa_set: Fn;
  opa_array_append: Fn; opa_object_insert: Fn; opa_object_insert_once: Fn; opa_set_add: Fn;
  opa_value_merge: Fn; opa_value_shallow_copy: Fn; opa_value_with: Fn;
  opa_value_type: Fn; opa_value_get: Fn; opa_value_length: Fn; opa_value_compare: Fn; opa_value_equal: Fn;
  opa_value_iter: Fn; opa_scan_len: Fn; opa_scan_key: Fn; opa_scan_value: Fn;
}

export class AbortError extends Error {}

export interface Runtime {
  readonly exports: Exports;
  readonly memory: MemoryLike;
  readonly instance: InstanceLike;
  readonly printed: string[];
  /** A string value holding `s`. */
  str(s: string): number;
  /** A value from OPA value text (JSON plus sets); throws when it does not parse. */
  val(text: string): number;
  /** JSON text of a value ('undefined' for 0). */
  json(v: number): string;
  /** Value text (sets as {..}) of a value ('undefined' for 0). */
  text(v: number): string;
  /** Calls builtin_<name> on value texts and returns the result's value text. */
  call(name: string, ...args: string[]): string;
  cstring(addr: number): string;
  write(bytes: Uint8Array): number;
}

export async function loadRuntime(): Promise<Runtime> {
  ensureRuntimeBuilt();
  const memory = new wasmApi.Memory({ initial: 5 });
  const printed: string[] = [];
  const cstring = (addr: number): string => {
    const b = new Uint8Array(memory.buffer);
    let end = addr;
    while (b[end] !== 0) end++;
    return new TextDecoder().decode(b.subarray(addr, end));
  };
  const hostBuiltin = (): number => { throw new Error('no host builtins in runtime tests'); };
  const env = {
    memory,
    opa_abort: (addr: number): never => { throw new AbortError(cstring(addr)); },
    opa_println: (addr: number): void => { printed.push(cstring(addr)); },
    opa_builtin0: hostBuiltin, opa_builtin1: hostBuiltin, opa_builtin2: hostBuiltin,
    opa_builtin3: hostBuiltin, opa_builtin4: hostBuiltin,
  };
  const { instance } = await wasmApi.instantiate(readFileSync(runtimePath()), { env });
  const exports = instance.exports as unknown as Exports;
  const write = (bytes: Uint8Array): number => {
    const addr = exports.opa_malloc(bytes.length);
    new Uint8Array(memory.buffer).set(bytes, addr);
    return addr;
  };
  const str = (s: string): number => {
    const bytes = new TextEncoder().encode(s);
    return exports.opa_string(write(bytes), bytes.length);
  };
  const val = (text: string): number => {
    const bytes = new TextEncoder().encode(text);
    const v = exports.opa_value_parse(write(bytes), bytes.length);
    if (v === 0) throw new Error(`runtime could not parse value text: ${text}`);
    return v;
  };
  const json = (v: number): string => (v === 0 ? 'undefined' : cstring(exports.opa_json_dump(v)));
  const text = (v: number): string => (v === 0 ? 'undefined' : cstring(exports.opa_value_dump(v)));
  const call = (name: string, ...args: string[]): string => {
    const fn = instance.exports[`builtin_${name.replaceAll('.', '_')}`];
    if (typeof fn !== 'function') throw new Error(`no native builtin ${name}`);
    return text((fn as Fn)(...args.map(val)));
  };
  return { exports, memory, instance, printed, str, val, json, text, call, cstring, write };
}
