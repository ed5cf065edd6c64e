// Just enough of the Wasm binary format for the runtime tests: encoders for hand-assembled
// functions and a section walker. Not the backend's emitter (that lives in src/rego/wasm).

export const OP = {
  end: 0x0b, call: 0x10, drop: 0x1a, localGet: 0x20, localSet: 0x21, i32Load: 0x28, i32Const: 0x41,
  i32Eqz: 0x45,
} as const;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

export function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

export const I32 = 0x7f;

export function funcType(params: number[], results: number[]): number[] {
  return [0x60, ...uleb(params.length), ...params, ...uleb(results.length), ...results];
}

/** A function body: local declarations (all i32) then code, with the size prefix. */
export function body(i32Locals: number, code: number[]): number[] {
  const locals = i32Locals > 0 ? [1, ...uleb(i32Locals), I32] : [0];
  const b = [...locals, ...code, OP.end];
  return [...uleb(b.length), ...b];
}

export function readUleb(buf: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++]!;
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [result, pos];
  }
}

export interface Section { id: number; start: number; end: number }

/** Sections of a module: id and the byte range of each body. */
export function sections(buf: Uint8Array): Section[] {
  const out: Section[] = [];
  let pos = 8;
  while (pos < buf.length) {
    const id = buf[pos]!;
    const [size, start] = readUleb(buf, pos + 1);
    out.push({ id, start, end: start + size });
    pos = start + size;
  }
  return out;
}
