// A test-only linker that follows API.md section 1 step by step: append types, functions, exports,
// a data segment and an element segment for table slot 0, and patch the heap pointer's init. It
// proves the runtime's linking contract (and the SDK path) before the real backend exists.
import { name, readUleb, section, sections, sleb, uleb, vec, type Section } from './wasm-bytes.js';

export class MiniLinker {
  private readonly secs: Section[];
  private readonly imports = new Map<string, number>();
  private readonly exports = new Map<string, { kind: number; index: number }>();
  private importedFuncs = 0;
  private runtimeFuncs = 0;
  private runtimeTypes = 0;
  private readonly newTypes: number[][] = [];
  private readonly newFuncs: Array<{ type: number; body: number[] }> = [];
  private readonly newExports: number[][] = [];
  private readonly newData: number[][] = [];
  private slot0 = -1;
  private heapStart = -1;
  /** First free byte after the runtime's data segments (computed from the data section). */
  readonly dataEnd: number;

  constructor(private readonly rt: Uint8Array) {
    this.secs = sections(rt);
    this.dataEnd = 0;
    for (const s of this.secs) {
      if (s.id === 1) this.runtimeTypes = readUleb(rt, s.start)[0];
      if (s.id === 2) this.readImports(s);
      if (s.id === 3) this.runtimeFuncs = readUleb(rt, s.start)[0];
      if (s.id === 7) this.readExports(s);
      if (s.id === 11) this.dataEnd = this.readDataEnd(s);
    }
  }

  private readImports(s: Section): void {
    let [n, p] = readUleb(this.rt, s.start);
    for (; n > 0; n--) {
      let len: number;
      [len, p] = readUleb(this.rt, p); p += len;
      [len, p] = readUleb(this.rt, p);
      const field = new TextDecoder().decode(this.rt.subarray(p, p + len)); p += len;
      const kind = this.rt[p++]!;
      if (kind === 0) { this.imports.set(field, this.importedFuncs++); p = readUleb(this.rt, p)[1]; }
      else if (kind === 2) { const flags = this.rt[p++]!; p = readUleb(this.rt, p)[1]; if (flags & 1) p = readUleb(this.rt, p)[1]; }
      else throw new Error(`unexpected import kind ${kind}`);
    }
  }

  private readExports(s: Section): void {
    let [n, p] = readUleb(this.rt, s.start);
    for (; n > 0; n--) {
      let len: number;
      [len, p] = readUleb(this.rt, p);
      const field = new TextDecoder().decode(this.rt.subarray(p, p + len)); p += len;
      const kind = this.rt[p++]!;
      let index: number;
      [index, p] = readUleb(this.rt, p);
      this.exports.set(field, { kind, index });
    }
  }

  private readDataEnd(s: Section): number {
    let [n, p] = readUleb(this.rt, s.start);
    let end = 0;
    for (; n > 0; n--) {
      if (this.rt[p++] !== 0 || this.rt[p++] !== 0x41) throw new Error('only active i32.const data segments expected');
      let offset = 0, shift = 0, b: number;
      do { b = this.rt[p++]!; offset |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
      if (this.rt[p++] !== 0x0b) throw new Error('bad data offset expr');
      let len: number;
      [len, p] = readUleb(this.rt, p);
      p += len;
      end = Math.max(end, offset + len);
    }
    return end;
  }

  runtimeFunc(exportName: string): number {
    const e = this.exports.get(exportName);
    if (e === undefined || e.kind !== 0) throw new Error(`runtime does not export function ${exportName}`);
    return e.index;
  }

  importFunc(field: string): number {
    const i = this.imports.get(field);
    if (i === undefined) throw new Error(`runtime does not import ${field}`);
    return i;
  }

  addType(entry: number[]): number {
    this.newTypes.push(entry);
    return this.runtimeTypes + this.newTypes.length - 1;
  }

  addFunction(type: number, body: number[]): number {
    this.newFuncs.push({ type, body });
    return this.importedFuncs + this.runtimeFuncs + this.newFuncs.length - 1;
  }

  exportFunction(field: string, index: number): void { this.newExports.push([...name(field), 0, ...uleb(index)]); }
  addData(addr: number, bytes: Uint8Array): void { this.newData.push([0, 0x41, ...sleb(addr), 0x0b, ...uleb(bytes.length), ...bytes]); }
  setEvalSlot(index: number): void { this.slot0 = index; }
  setHeapStart(addr: number): void { this.heapStart = addr; }

  build(): Uint8Array {
    if (this.slot0 < 0 || this.heapStart < 0) throw new Error('eval slot and heap start are required');
    const out: number[] = [...this.rt.subarray(0, 8)];
    const raw = (s: Section): number[] => [...this.rt.subarray(s.start, s.end)];
    const extend = (s: Section, items: number[][]): number[] => {
      const [n, p] = readUleb(this.rt, s.start);
      return [...uleb(n + items.length), ...this.rt.subarray(p, s.end), ...items.flat()];
    };
    let elemDone = false;
    for (const s of this.secs) {
      if (!elemDone && (s.id === 12 || s.id === 10)) {
        out.push(...section(9, vec([[0, 0x41, 0, 0x0b, ...uleb(1), ...uleb(this.slot0)]])));
        elemDone = true;
      }
      switch (s.id) {
        case 1: out.push(...section(1, extend(s, this.newTypes))); break;
        case 3: out.push(...section(3, extend(s, this.newFuncs.map((f) => uleb(f.type))))); break;
        case 6: out.push(...section(6, this.patchGlobals(s))); break;
        case 7: out.push(...section(7, extend(s, this.newExports))); break;
        case 10: out.push(...section(10, extend(s, this.newFuncs.map((f) => f.body)))); break;
        case 11: out.push(...section(11, extend(s, this.newData))); break;
        case 12: out.push(...section(12, uleb(readUleb(this.rt, s.start)[0] + this.newData.length))); break;
        default: out.push(...section(s.id, raw(s)));
      }
    }
    return new Uint8Array(out);
  }

  private patchGlobals(s: Section): number[] {
    const target = this.exports.get('opa_heap_ptr');
    if (target === undefined || target.kind !== 3) throw new Error('runtime does not export the opa_heap_ptr global');
    let [n, p] = readUleb(this.rt, s.start);
    const entries: number[][] = [];
    for (let i = 0; i < n; i++) {
      const start = p;
      p += 2; // valtype, mutability
      const op = this.rt[p++]!;
      if (op === 0x43) p += 4;
      else if (op === 0x44) p += 8;
      else while (this.rt[p++]! & 0x80) { /* skip LEB */ }
      if (this.rt[p++] !== 0x0b) throw new Error('unexpected global init expr');
      entries.push(i === target.index
        ? [this.rt[start]!, this.rt[start + 1]!, 0x41, ...sleb(this.heapStart), 0x0b]
        : [...this.rt.subarray(start, p)]);
    }
    return vec(entries);
  }
}
