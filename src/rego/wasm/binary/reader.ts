// Parses a Wasm binary into a Module, enough to append functions, globals, exports and data to it.
import { readS32, readU32 } from './leb128.js';
import {
  emptyModule,
  ExternKind,
  type DataSegment,
  type FuncType,
  type ImportDesc,
  type Limits,
  type Module,
  type RawVec,
  type ValType,
} from './module.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

class Cursor {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  u8(): number {
    if (this.pos >= this.end) throw new Error('wasm reader: unexpected end of section');
    return this.bytes[this.pos++] as number;
  }

  u32(): number {
    const d = readU32(this.bytes, this.pos);
    this.pos = d.next;
    return d.value;
  }

  s32(): number {
    const d = readS32(this.bytes, this.pos);
    this.pos = d.next;
    return d.value;
  }

  take(n: number): Uint8Array {
    if (this.pos + n > this.end) throw new Error('wasm reader: length past end of section');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  name(): string {
    return utf8.decode(this.take(this.u32()));
  }

  rest(): Uint8Array {
    return this.take(this.end - this.pos);
  }

  limits(): Limits {
    const flag = this.u8();
    const min = this.u32();
    return flag & 1 ? { min, max: this.u32() } : { min };
  }
}

function rawVec(c: Cursor): RawVec {
  const count = c.u32();
  return { count, bytes: Uint8Array.from(c.rest()) };
}

function readTypes(c: Cursor, m: Module): void {
  for (let n = c.u32(); n > 0; n--) {
    if (c.u8() !== 0x60) throw new Error('wasm reader: expected func type');
    const params: ValType[] = [];
    for (let k = c.u32(); k > 0; k--) params.push(c.u8() as ValType);
    const results: ValType[] = [];
    for (let k = c.u32(); k > 0; k--) results.push(c.u8() as ValType);
    m.types.push({ params, results } satisfies FuncType);
  }
}

function readImportDesc(c: Cursor): ImportDesc {
  const kind = c.u8();
  switch (kind) {
    case ExternKind.Func:
      return { kind, typeIndex: c.u32() };
    case ExternKind.Memory:
      return { kind, limits: c.limits() };
    case ExternKind.Table: {
      const start = c.pos;
      c.u8();
      c.limits();
      return { kind, raw: Uint8Array.from(c.bytes.subarray(start, c.pos)) };
    }
    case ExternKind.Global: {
      const raw = Uint8Array.from(c.take(2));
      return { kind, raw };
    }
    default:
      throw new Error(`wasm reader: unknown import kind ${kind}`);
  }
}

function readImports(c: Cursor, m: Module): void {
  for (let n = c.u32(); n > 0; n--) {
    const module = c.name();
    const name = c.name();
    m.imports.push({ module, name, desc: readImportDesc(c) });
  }
}

function readExports(c: Cursor, m: Module): void {
  for (let n = c.u32(); n > 0; n--) {
    const name = c.name();
    const kind = c.u8() as ExternKind;
    m.exports.push({ name, kind, index: c.u32() });
  }
}

/** Skips a constant expression up to and including its `end`; returns its bytes. */
function constExpr(c: Cursor): Uint8Array {
  const start = c.pos;
  for (;;) {
    const op = c.u8();
    if (op === 0x0b) break;
    if (op === 0x41 || op === 0x23 || op === 0xd2) c.s32();
    else if (op === 0x42) readS64Skip(c);
    else if (op === 0x43) c.take(4);
    else if (op === 0x44) c.take(8);
    else if (op === 0xd0) c.u8();
    else throw new Error(`wasm reader: unsupported constant opcode 0x${op.toString(16)}`);
  }
  return Uint8Array.from(c.bytes.subarray(start, c.pos));
}

function readS64Skip(c: Cursor): void {
  while ((c.u8() & 0x80) !== 0) {
    /* continuation bytes */
  }
}

function readGlobals(c: Cursor, m: Module): void {
  for (let n = c.u32(); n > 0; n--) {
    const type = c.u8();
    const mutable = c.u8() === 1;
    m.globals.push({ type, mutable, init: constExpr(c) });
  }
}

function readTables(c: Cursor, m: Module): void {
  for (let n = c.u32(); n > 0; n--) {
    const refType = c.u8();
    m.tables.push({ refType, limits: c.limits() });
  }
}

function readCode(c: Cursor, m: Module): void {
  for (let n = c.u32(); n > 0; n--) m.code.push(Uint8Array.from(c.take(c.u32())));
}

/** Reads a constant offset expression `i32.const N end`, or returns null for anything else. */
function constOffset(c: Cursor): number | null {
  const start = c.pos;
  if (c.u8() === 0x41) {
    const v = c.s32();
    if (c.u8() === 0x0b) return v;
  }
  c.pos = start;
  while (c.u8() !== 0x0b) {
    /* skip a non-constant expression; only global.get is legal here */
  }
  return null;
}

function readData(c: Cursor, m: Module): void {
  for (let n = c.u32(); n > 0; n--) {
    const start = c.pos;
    const flag = c.u32();
    let offset: number | null = null;
    if (flag === 1) {
      c.take(c.u32());
    } else {
      if (flag === 2) c.u32();
      offset = constOffset(c);
      const len = c.u32();
      const bytes = c.take(len);
      if (flag === 0 && offset !== null) {
        m.data.push({ mode: 'active', offset, bytes: Uint8Array.from(bytes) });
        continue;
      }
    }
    const seg: DataSegment = { mode: 'raw', raw: Uint8Array.from(c.bytes.subarray(start, c.pos)) };
    m.data.push(seg);
  }
}

function readNames(c: Cursor, m: Module): void {
  while (c.pos < c.end) {
    const id = c.u8();
    const size = c.u32();
    const subEnd = c.pos + size;
    if (id === 1) {
      for (let n = c.u32(); n > 0; n--) {
        const idx = c.u32();
        m.funcNames.set(idx, c.name());
      }
    }
    c.pos = subEnd;
  }
}

/** Parses a complete module. Custom sections other than "name" are dropped. */
export function readModule(bytes: Uint8Array): Module {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error('wasm reader: not a Wasm binary');
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new Error('wasm reader: unsupported Wasm version');
  }
  const m = emptyModule();
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++] as number;
    const size = readU32(bytes, pos);
    const c = new Cursor(bytes, size.next, size.next + size.value);
    pos = c.end;
    switch (id) {
      case 0:
        if (c.name() === 'name') readNames(c, m);
        break;
      case 1: readTypes(c, m); break;
      case 2: readImports(c, m); break;
      case 3: for (let n = c.u32(); n > 0; n--) m.funcs.push(c.u32()); break;
      case 4: readTables(c, m); break;
      case 5: m.memories = rawVec(c); break;
      case 6: readGlobals(c, m); break;
      case 7: readExports(c, m); break;
      case 8: m.start = c.u32(); break;
      case 9: m.elements = rawVec(c); break;
      case 10: readCode(c, m); break;
      case 11: readData(c, m); break;
      case 12: m.hasDataCount = true; break;
      default: throw new Error(`wasm reader: unknown section ${id}`);
    }
  }
  if (m.code.length !== m.funcs.length) throw new Error('wasm reader: function and code counts differ');
  return m;
}
