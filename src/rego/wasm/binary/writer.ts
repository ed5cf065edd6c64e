// Serialises a Module to the Wasm binary format (version 1), sections in canonical order.
import { ByteSink } from './bytes.js';
import { ExternKind, type Import, type Limits, type Module, type RawVec } from './module.js';

function limits(s: ByteSink, l: Limits): void {
  if (l.max === undefined) s.byte(0).u32(l.min);
  else s.byte(1).u32(l.min).u32(l.max);
}

function section(out: ByteSink, id: number, body: ByteSink): void {
  out.byte(id).sized(body);
}

function rawVecSection(out: ByteSink, id: number, v: RawVec): void {
  if (v.count === 0) return;
  section(out, id, new ByteSink().u32(v.count).raw(v.bytes));
}

function importEntry(s: ByteSink, imp: Import): void {
  s.name(imp.module).name(imp.name).byte(imp.desc.kind);
  const d = imp.desc;
  if (d.kind === ExternKind.Func) s.u32(d.typeIndex);
  else if (d.kind === ExternKind.Memory) limits(s, d.limits);
  else s.raw(d.raw);
}

function dataSection(m: Module): ByteSink {
  const s = new ByteSink().u32(m.data.length);
  for (const seg of m.data) {
    if (seg.mode === 'raw') s.raw(seg.raw);
    else s.u32(0).byte(0x41).s32(seg.offset).byte(0x0b).sized(seg.bytes);
  }
  return s;
}

function nameSection(m: Module): ByteSink {
  const sorted = [...m.funcNames.entries()].sort((a, b) => a[0] - b[0]);
  const sub = new ByteSink().u32(sorted.length);
  for (const [idx, name] of sorted) sub.u32(idx).name(name);
  return new ByteSink().name('name').byte(1).sized(sub);
}

export function writeModule(m: Module): Uint8Array {
  const out = new ByteSink().raw([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  if (m.types.length > 0) {
    const s = new ByteSink().u32(m.types.length);
    for (const t of m.types) s.byte(0x60).u32(t.params.length).raw(t.params).u32(t.results.length).raw(t.results);
    section(out, 1, s);
  }
  if (m.imports.length > 0) {
    const s = new ByteSink().u32(m.imports.length);
    for (const imp of m.imports) importEntry(s, imp);
    section(out, 2, s);
  }
  if (m.funcs.length > 0) {
    const s = new ByteSink().u32(m.funcs.length);
    for (const t of m.funcs) s.u32(t);
    section(out, 3, s);
  }
  if (m.tables.length > 0) {
    const s = new ByteSink().u32(m.tables.length);
    for (const t of m.tables) {
      s.byte(t.refType);
      limits(s, t.limits);
    }
    section(out, 4, s);
  }
  rawVecSection(out, 5, m.memories);
  if (m.globals.length > 0) {
    const s = new ByteSink().u32(m.globals.length);
    for (const g of m.globals) s.byte(g.type).byte(g.mutable ? 1 : 0).raw(g.init);
    section(out, 6, s);
  }
  if (m.exports.length > 0) {
    const s = new ByteSink().u32(m.exports.length);
    for (const e of m.exports) s.name(e.name).byte(e.kind).u32(e.index);
    section(out, 7, s);
  }
  if (m.start !== null) section(out, 8, new ByteSink().u32(m.start));
  rawVecSection(out, 9, m.elements);
  if (m.hasDataCount) section(out, 12, new ByteSink().u32(m.data.length));
  if (m.code.length > 0) {
    const s = new ByteSink().u32(m.code.length);
    for (const body of m.code) s.sized(body);
    section(out, 10, s);
  }
  if (m.data.length > 0) section(out, 11, dataSection(m));
  if (m.funcNames.size > 0) section(out, 0, nameSection(m));
  return out.toUint8Array();
}

export { limits as writeLimits };
