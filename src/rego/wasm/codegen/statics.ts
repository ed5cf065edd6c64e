// Static data the generated code points at: string constants laid out as runtime string values,
// the two booleans, abort messages and JSON blobs. Placed in one data segment above the runtime's data.

const utf8 = new TextEncoder();

const TAG_BOOLEAN = 2;
const TAG_STRING = 4;

export interface Blob {
  readonly addr: number;
  readonly len: number;
}

export class StaticData {
  private readonly bytes: number[] = [];
  private readonly strings = new Map<string, number>();
  private readonly messages = new Map<string, number>();
  private readonly bools = new Map<boolean, number>();

  /** `base` must be 8-aligned: every value the runtime reads is 8-aligned. */
  constructor(readonly base: number) {
    if (base % 8 !== 0) throw new Error(`static data base ${base} is not 8-aligned`);
  }

  get end(): number {
    return this.base + this.bytes.length;
  }

  private align(n: number): void {
    while (this.bytes.length % n !== 0) this.bytes.push(0);
  }

  private putU32(at: number, v: number): void {
    const off = at - this.base;
    for (let i = 0; i < 4; i++) this.bytes[off + i] = (v >>> (8 * i)) & 0xff;
  }

  /** Raw bytes, returned with their address. */
  blob(data: Uint8Array): Blob {
    const addr = this.end;
    for (const b of data) this.bytes.push(b);
    return { addr, len: data.length };
  }

  utf8(text: string): Blob {
    return this.blob(utf8.encode(text));
  }

  /** A NUL-terminated message for opa_abort (the SDK decodes it as Latin-1, so keep it ASCII). */
  message(text: string): number {
    const known = this.messages.get(text);
    if (known !== undefined) return known;
    const addr = this.blob(Uint8Array.from([...text].map((c) => c.charCodeAt(0) & 0xff).concat(0))).addr;
    this.messages.set(text, addr);
    return addr;
  }

  /** A string value (16-byte header: tag, length, address of the UTF-8 bytes). */
  stringValue(text: string): number {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    const body = this.utf8(text);
    this.align(8);
    const addr = this.end;
    for (let i = 0; i < 16; i++) this.bytes.push(0);
    this.bytes[addr - this.base] = TAG_STRING;
    this.putU32(addr + 4, body.len);
    this.putU32(addr + 8, body.addr);
    this.strings.set(text, addr);
    return addr;
  }

  boolValue(b: boolean): number {
    const known = this.bools.get(b);
    if (known !== undefined) return known;
    this.align(8);
    const addr = this.end;
    for (let i = 0; i < 8; i++) this.bytes.push(0);
    this.bytes[addr - this.base] = TAG_BOOLEAN;
    this.putU32(addr + 4, b ? 1 : 0);
    this.bools.set(b, addr);
    return addr;
  }

  finish(): Uint8Array {
    this.align(8);
    return Uint8Array.from(this.bytes);
  }
}
