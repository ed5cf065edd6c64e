// Assembles one function body: i32 locals and a structured instruction stream.
import { ByteSink } from './bytes.js';
import { I32 } from './module.js';

const enum Op {
  Unreachable = 0x00,
  Block = 0x02,
  Loop = 0x03,
  If = 0x04,
  Else = 0x05,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  BrTable = 0x0e,
  Return = 0x0f,
  Call = 0x10,
  Drop = 0x1a,
  Select = 0x1b,
  LocalGet = 0x20,
  LocalSet = 0x21,
  LocalTee = 0x22,
  GlobalGet = 0x23,
  GlobalSet = 0x24,
  I32Load = 0x28,
  I32Store = 0x36,
  I32Load8U = 0x2d,
  I32Const = 0x41,
  I64Const = 0x42,
  I32Eqz = 0x45,
  I32Eq = 0x46,
  I32Ne = 0x47,
  I32LtU = 0x49,
  I32GeU = 0x4f,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I32And = 0x71,
  I64ExtendI32U = 0xad,
  I64Eq = 0x51,
  I64Add = 0x7c,
  CallIndirect = 0x11,
}

const EMPTY_BLOCK_TYPE = 0x40;

/** Builds a function whose parameters and locals are all i32 (Rego values are addresses). */
export class FuncBody {
  private readonly code = new ByteSink();
  private locals: number;
  private openLabels = 0;

  constructor(readonly paramCount: number) {
    this.locals = paramCount;
  }

  /** Allocates a fresh i32 local (zero-initialised by Wasm). */
  newLocal(): number {
    return this.locals++;
  }

  get depth(): number {
    return this.openLabels;
  }

  block(): this { this.openLabels++; this.code.byte(Op.Block).byte(EMPTY_BLOCK_TYPE); return this; }
  loop(): this { this.openLabels++; this.code.byte(Op.Loop).byte(EMPTY_BLOCK_TYPE); return this; }
  if(): this { this.openLabels++; this.code.byte(Op.If).byte(EMPTY_BLOCK_TYPE); return this; }
  else(): this { this.code.byte(Op.Else); return this; }
  end(): this {
    if (this.openLabels === 0) throw new Error('FuncBody: end without open block');
    this.openLabels--;
    this.code.byte(Op.End);
    return this;
  }
  br(label: number): this { this.code.byte(Op.Br).u32(label); return this; }
  brIf(label: number): this { this.code.byte(Op.BrIf).u32(label); return this; }
  brTable(labels: readonly number[], fallback: number): this {
    this.code.byte(Op.BrTable).u32(labels.length);
    for (const l of labels) this.code.u32(l);
    this.code.u32(fallback);
    return this;
  }
  return(): this { this.code.byte(Op.Return); return this; }
  unreachable(): this { this.code.byte(Op.Unreachable); return this; }
  call(func: number): this { this.code.byte(Op.Call).u32(func); return this; }
  drop(): this { this.code.byte(Op.Drop); return this; }
  select(): this { this.code.byte(Op.Select); return this; }
  get(local: number): this { this.code.byte(Op.LocalGet).u32(local); return this; }
  set(local: number): this { this.code.byte(Op.LocalSet).u32(local); return this; }
  tee(local: number): this { this.code.byte(Op.LocalTee).u32(local); return this; }
  globalGet(g: number): this { this.code.byte(Op.GlobalGet).u32(g); return this; }
  globalSet(g: number): this { this.code.byte(Op.GlobalSet).u32(g); return this; }
  /** i32.load with natural 4-byte alignment hint. */
  load(offset = 0): this { this.code.byte(Op.I32Load).u32(2).u32(offset); return this; }
  load8u(offset = 0): this { this.code.byte(Op.I32Load8U).u32(0).u32(offset); return this; }
  store(offset = 0): this { this.code.byte(Op.I32Store).u32(2).u32(offset); return this; }
  i32(v: number): this { this.code.byte(Op.I32Const).s32(v | 0); return this; }
  i64(v: bigint): this { this.code.byte(Op.I64Const).s64(v); return this; }
  eqz(): this { this.code.byte(Op.I32Eqz); return this; }
  eq(): this { this.code.byte(Op.I32Eq); return this; }
  ne(): this { this.code.byte(Op.I32Ne); return this; }
  add(): this { this.code.byte(Op.I32Add); return this; }
  sub(): this { this.code.byte(Op.I32Sub); return this; }
  and(): this { this.code.byte(Op.I32And); return this; }
  ltU(): this { this.code.byte(Op.I32LtU); return this; }
  geU(): this { this.code.byte(Op.I32GeU); return this; }
  i64Eq(): this { this.code.byte(Op.I64Eq); return this; }
  i64Add(): this { this.code.byte(Op.I64Add); return this; }
  i64ExtendU(): this { this.code.byte(Op.I64ExtendI32U); return this; }
  callIndirect(typeIndex: number): this { this.code.byte(Op.CallIndirect).u32(typeIndex).byte(0); return this; }

  /** Returns the encoded body (locals declaration, code, final end), without its size prefix. */
  finish(): Uint8Array {
    if (this.openLabels !== 0) throw new Error(`FuncBody: ${this.openLabels} unclosed blocks`);
    const extra = this.locals - this.paramCount;
    const out = new ByteSink();
    if (extra > 0) out.u32(1).u32(extra).byte(I32);
    else out.u32(0);
    out.raw(this.code.bytes).byte(Op.End);
    return out.toUint8Array();
  }
}
