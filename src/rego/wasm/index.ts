// Facade: IR policy -> Wasm module in OPA's ABI 1.2, linked into the prebuilt runtime. Code
// generation only: the driver (../compile.ts) runs the IR passes first.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Policy } from '../ir/types.js';
import { ExternKind, type Module } from './binary/module.js';
import { readModule } from './binary/reader.js';
import { writeModule } from './binary/writer.js';
import { compilePolicy } from './codegen/policy.js';

export interface CompileOptions {
  /** The runtime module's bytes; defaults to dist/runtime/opa-runtime.wasm of this checkout. */
  readonly runtime?: Uint8Array;
}

/** Walks up from this file to the directory holding package.json (works from src/ and dist/src/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
}

export function defaultRuntimePath(): string {
  return join(repoRoot(), 'dist/runtime/opa-runtime.wasm');
}

let cached: { bytes: Uint8Array; module: Module } | undefined;

function runtimeModule(bytes: Uint8Array | undefined): Module {
  if (bytes !== undefined) {
    if (cached?.bytes === bytes) return cached.module;
    cached = { bytes, module: readModule(bytes) };
    return cached.module;
  }
  if (cached?.bytes === defaultBytes()) return cached.module;
  const b = defaultBytes();
  cached = { bytes: b, module: readModule(b) };
  return cached.module;
}

let defaultRuntime: Uint8Array | undefined;
function defaultBytes(): Uint8Array {
  if (defaultRuntime === undefined) {
    const path = defaultRuntimePath();
    if (!existsSync(path)) throw new Error(`Rego runtime not built: ${path} is missing (run npm run build:runtime)`);
    defaultRuntime = new Uint8Array(readFileSync(path));
  }
  return defaultRuntime;
}

export function generateWasm(policy: Policy, options: CompileOptions = {}): Uint8Array {
  return writeModule(compilePolicy(runtimeModule(options.runtime), policy));
}

/**
 * The initial memory, in 64 KiB pages, a compiled module needs (its static data must fit). The
 * SDK's default is 5; pass `{ initial: pages }` to loadPolicy when this is larger.
 */
export function requiredMemoryPages(wasm: Uint8Array): number {
  const mem = readModule(wasm).imports.find((i) => i.desc.kind === ExternKind.Memory);
  return mem?.desc.kind === ExternKind.Memory ? mem.desc.limits.min : 1;
}
