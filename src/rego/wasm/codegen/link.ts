// Appends generated functions and static data to a copy of the runtime module and wires the ABI:
// exports, table slot 0 = eval, heap start after the static data, memory big enough for it.
import { ByteSink } from '../binary/bytes.js';
import {
  ExternKind,
  internType,
  type Export,
  type FuncType,
  type Global,
  type Module,
} from '../binary/module.js';
import type { RuntimeInfo } from './runtime.js';
import type { StaticData } from './statics.js';

export interface NewFunction {
  readonly name: string;
  readonly type: FuncType;
  readonly body: Uint8Array;
  readonly export?: boolean;
}

const PAGE = 65536;

function copyModule(m: Module): Module {
  return {
    ...m,
    types: [...m.types],
    imports: [...m.imports],
    funcs: [...m.funcs],
    tables: m.tables.map((t) => ({ ...t })),
    globals: [...m.globals],
    exports: [...m.exports],
    code: [...m.code],
    data: [...m.data],
    funcNames: new Map(m.funcNames),
    elements: { ...m.elements },
  };
}

function addElementSlot0(m: Module, funcIndex: number): void {
  // The runtime's opa_eval reaches the generated eval through table slot 0.
  if (m.tables.length === 0) m.tables.push({ refType: 0x70, limits: { min: 1 } });
  const seg = new ByteSink().u32(0).byte(0x41).s32(0).byte(0x0b).u32(1).u32(funcIndex);
  const bytes = new Uint8Array(m.elements.bytes.length + seg.length);
  bytes.set(m.elements.bytes, 0);
  bytes.set(seg.bytes, m.elements.bytes.length);
  m.elements = { count: m.elements.count + 1, bytes };
}

function patchHeapStart(m: Module, rt: RuntimeInfo, heapStart: number): void {
  const idx = rt.globalIndex('opa_heap_ptr');
  const imported = m.imports.filter((i) => i.desc.kind === ExternKind.Global).length;
  const local = idx - imported;
  const g = m.globals[local];
  if (!g) throw new Error('opa_heap_ptr global not found');
  m.globals[local] = { ...g, init: new ByteSink().byte(0x41).s32(heapStart).byte(0x0b).toUint8Array() };
}

function growMemoryImport(m: Module, end: number): void {
  m.imports = m.imports.map((imp) => {
    if (imp.desc.kind !== ExternKind.Memory) return imp;
    const min = Math.max(imp.desc.limits.min, Math.ceil(end / PAGE));
    return { ...imp, desc: { ...imp.desc, limits: { ...imp.desc.limits, min } } };
  });
}

export function linkInto(
  runtime: Module,
  rt: RuntimeInfo,
  fns: readonly NewFunction[],
  statics: StaticData,
  evalIndex: number,
  globals: readonly Global[],
): Module {
  const m = copyModule(runtime);
  m.globals.push(...globals);
  const first = rt.importedFuncs + runtime.funcs.length;
  const ours = new Set(fns.filter((f) => f.export).map((f) => f.name));
  m.exports = m.exports.filter((e) => !(e.kind === ExternKind.Func && ours.has(e.name)));
  fns.forEach((f, i) => {
    m.funcs.push(internType(m, f.type));
    m.code.push(f.body);
    m.funcNames.set(first + i, f.name);
    if (f.export) m.exports.push({ name: f.name, kind: ExternKind.Func, index: first + i } satisfies Export);
  });
  if (!m.exports.some((e) => e.kind === ExternKind.Memory)) {
    m.exports.push({ name: 'memory', kind: ExternKind.Memory, index: 0 });
  }
  addElementSlot0(m, evalIndex);
  const data = statics.finish();
  if (data.length > 0) m.data.push({ mode: 'active', offset: statics.base, bytes: data });
  const end = statics.base + data.length;
  patchHeapStart(m, rt, end);
  growMemoryImport(m, end);
  return m;
}
