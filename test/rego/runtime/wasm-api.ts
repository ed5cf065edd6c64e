// lib is ES2023 without DOM, so the WebAssembly global is typed here, narrowly, for these tests.

export interface MemoryLike { readonly buffer: ArrayBuffer; grow(pages: number): number }
export interface TableLike { set(index: number, fn: unknown): void }
export interface GlobalLike { readonly value: number }
export interface InstanceLike { readonly exports: Record<string, unknown> }
export interface ModuleDescriptor { readonly module: string; readonly name: string; readonly kind: string }

interface WasmApi {
  Memory: new (desc: { initial: number }) => MemoryLike;
  Module: {
    new (bytes: Uint8Array): object;
    imports(m: object): ModuleDescriptor[];
    exports(m: object): Array<{ readonly name: string; readonly kind: string }>;
  };
  instantiate(bytes: Uint8Array, imports: Record<string, Record<string, unknown>>): Promise<{ instance: InstanceLike }>;
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
