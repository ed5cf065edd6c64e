// An in-memory Wasm module, detailed only where the linker needs to look inside: sections it just
// carries over (tables, elements, globals, code bodies) stay as raw bytes plus an entry count.

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export type ValType = typeof I32 | typeof I64 | typeof F32 | typeof F64;

export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

export const enum ExternKind {
  Func = 0,
  Table = 1,
  Memory = 2,
  Global = 3,
}

export interface Limits {
  readonly min: number;
  readonly max?: number;
}

export type ImportDesc =
  | { readonly kind: ExternKind.Func; readonly typeIndex: number }
  | { readonly kind: ExternKind.Memory; readonly limits: Limits }
  /** Table and global import descriptors are carried through unparsed. */
  | { readonly kind: ExternKind.Table | ExternKind.Global; readonly raw: Uint8Array };

export interface Import {
  readonly module: string;
  readonly name: string;
  readonly desc: ImportDesc;
}

export interface Export {
  readonly name: string;
  readonly kind: ExternKind;
  readonly index: number;
}

/** A vector section kept as its entry count and the encoded entries after the count. */
export interface RawVec {
  count: number;
  bytes: Uint8Array;
}

/** A global: its type byte, mutability and constant init expression (including the final `end`). */
export interface Global {
  readonly type: number;
  readonly mutable: boolean;
  init: Uint8Array;
}

export interface Table {
  readonly refType: number;
  limits: Limits;
}

export type DataSegment =
  | { readonly mode: 'active'; readonly offset: number; readonly bytes: Uint8Array }
  /** Passive segments, or active ones whose offset is not a plain i32.const. */
  | { readonly mode: 'raw'; readonly raw: Uint8Array; readonly end?: number };

export interface Module {
  types: FuncType[];
  imports: Import[];
  /** Type index of each defined (non-imported) function. */
  funcs: number[];
  tables: Table[];
  memories: RawVec;
  globals: Global[];
  exports: Export[];
  start: number | null;
  elements: RawVec;
  /** Function bodies without their size prefix, one per entry of `funcs`. */
  code: Uint8Array[];
  data: DataSegment[];
  hasDataCount: boolean;
  /** Function index -> debug name, from and for the "name" custom section. */
  funcNames: Map<number, string>;
}

export function emptyRawVec(): RawVec {
  return { count: 0, bytes: new Uint8Array(0) };
}

export function emptyModule(): Module {
  return {
    types: [],
    imports: [],
    funcs: [],
    tables: [],
    memories: emptyRawVec(),
    globals: [],
    exports: [],
    start: null,
    elements: emptyRawVec(),
    code: [],
    data: [],
    hasDataCount: false,
    funcNames: new Map(),
  };
}

export function importedFuncCount(m: Module): number {
  return m.imports.filter((i) => i.desc.kind === ExternKind.Func).length;
}

export function importedGlobalCount(m: Module): number {
  return m.imports.filter((i) => i.desc.kind === ExternKind.Global).length;
}

export function sameFuncType(a: FuncType, b: FuncType): boolean {
  return (
    a.params.length === b.params.length &&
    a.results.length === b.results.length &&
    a.params.every((p, i) => p === b.params[i]) &&
    a.results.every((r, i) => r === b.results[i])
  );
}

/** Returns the index of `t` in the module's type section, appending it when absent. */
export function internType(m: Module, t: FuncType): number {
  const found = m.types.findIndex((x) => sameFuncType(x, t));
  if (found >= 0) return found;
  m.types.push(t);
  return m.types.length - 1;
}
