// What the linker needs to know about the prebuilt runtime module (see src/rego/runtime/API.md).
import { ExternKind, importedFuncCount, type Module } from '../binary/module.js';
import { readS32 } from '../binary/leb128.js';

export const HOST_DISPATCH_MAX_ARGS = 4;

export class RuntimeInfo {
  private readonly funcExports = new Map<string, number>();
  private readonly globalExports = new Map<string, number>();
  readonly funcImports = new Map<string, number>();

  constructor(readonly module: Module) {
    for (const e of module.exports) {
      if (e.kind === ExternKind.Func) this.funcExports.set(e.name, e.index);
      if (e.kind === ExternKind.Global) this.globalExports.set(e.name, e.index);
    }
    let fi = 0;
    for (const imp of module.imports) {
      if (imp.desc.kind === ExternKind.Func) this.funcImports.set(`${imp.module}.${imp.name}`, fi++);
    }
  }

  get importedFuncs(): number {
    return importedFuncCount(this.module);
  }

  /** Index of an exported runtime function; throws when the runtime lacks it. */
  func(name: string): number {
    const idx = this.funcExports.get(name);
    if (idx === undefined) throw new Error(`runtime does not export function ${name}`);
    return idx;
  }

  hasFunc(name: string): boolean {
    return this.funcExports.has(name);
  }

  /** The runtime export implementing a builtin the registry calls native. */
  nativeBuiltin(exportName: string): number {
    const idx = this.funcExports.get(exportName);
    if (idx === undefined) throw new Error(`runtime does not export native builtin ${exportName} (see builtins/registry.ts)`);
    return idx;
  }

  envImport(name: string): number {
    const idx = this.funcImports.get(`env.${name}`);
    if (idx === undefined) throw new Error(`runtime does not import env.${name}`);
    return idx;
  }

  globalIndex(name: string): number {
    const idx = this.globalExports.get(name);
    if (idx === undefined) throw new Error(`runtime does not export global ${name}`);
    return idx;
  }

  /**
   * First free byte after the runtime's own static data: its `opa_runtime_data_end` export, or
   * else the end of its highest constant-offset data segment.
   */
  dataEnd(): number {
    if (this.globalExports.has('opa_runtime_data_end')) return this.globalConst('opa_runtime_data_end');
    let end = 0;
    for (const seg of this.module.data) {
      if (seg.mode === 'active') end = Math.max(end, seg.offset + seg.bytes.length);
    }
    return end;
  }

  /** The value of a defined global whose init expression is `i32.const N`. */
  globalConst(name: string): number {
    const idx = this.globalIndex(name);
    const imported = this.module.imports.filter((i) => i.desc.kind === ExternKind.Global).length;
    const g = this.module.globals[idx - imported];
    if (!g || g.init[0] !== 0x41) throw new Error(`runtime global ${name} is not an i32 constant`);
    return readS32(g.init, 1).value;
  }
}
