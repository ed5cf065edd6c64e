// Loads a compiled policy module into the opa-wasm SDK with the host builtins it imports: the
// one place that knows a module of ours may need more initial memory than the SDK's default.
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins, type HostOptions } from './builtins/host/index.js';
import { requiredMemoryPages } from './wasm/index.js';

/** The SDK's default initial memory, in 64 KiB pages. */
const SDK_DEFAULT_PAGES = 5;

export async function loadWasmPolicy(wasm: Uint8Array, options: HostOptions = {}): Promise<LoadedPolicy> {
  // Bundles from `opa build` carry their own memory needs; ours may need more than the SDK's 5 pages.
  return loadPolicy(wasm, { initial: Math.max(SDK_DEFAULT_PAGES, requiredMemoryPages(wasm)) }, hostBuiltins(options));
}
