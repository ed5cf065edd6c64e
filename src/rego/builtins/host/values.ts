// Helpers over the JSON the SDK hands host builtins (sets arrive as arrays, numbers as doubles).
// A helper that meets the wrong type throws; the wrapper in index.ts turns that into undefined.

export type Value = null | boolean | number | string | Value[] | { [k: string]: Value };
export type Obj = { [k: string]: Value };

export function str(v: unknown): string {
  if (typeof v !== 'string') throw new TypeError('expected a string');
  return v;
}

export function num(v: unknown): number {
  if (typeof v !== 'number') throw new TypeError('expected a number');
  return v;
}

export function int(v: unknown): number {
  const n = num(v);
  if (!Number.isInteger(n)) throw new TypeError('expected an integer');
  return n;
}

export function arr(v: unknown): Value[] {
  if (!Array.isArray(v)) throw new TypeError('expected an array or set');
  return v as Value[];
}

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function obj(v: unknown): Obj {
  if (!isObj(v)) throw new TypeError('expected an object');
  return v;
}

/** Strings of an array, set or single string argument (as several builtins accept). */
export function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return arr(v).map(str);
}

function rank(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (typeof v === 'string') return 3;
  return Array.isArray(v) ? 4 : 5;
}

/** Rego's canonical order, so host results standing for sets come back sorted like runtime sets. */
export function compare(a: Value, b: Value): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b as string));
  if (typeof a === 'number' || typeof a === 'boolean') return a === b ? 0 : Number(a) < Number(b) ? -1 : 1;
  if (Array.isArray(a)) {
    const bb = b as Value[];
    for (let i = 0; i < Math.min(a.length, bb.length); i++) {
      const c = compare(a[i] as Value, bb[i] as Value);
      if (c !== 0) return c;
    }
    return a.length - bb.length;
  }
  if (a === null) return 0;
  const bo = b as Obj;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(bo).sort();
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const c = compare(ka[i] as string, kb[i] as string) || compare(a[ka[i] as string] as Value, bo[kb[i] as string] as Value);
    if (c !== 0) return c;
  }
  return ka.length - kb.length;
}

export function equal(a: Value, b: Value): boolean {
  return compare(a, b) === 0;
}

/** A set result: sorted and unique, as the runtime would order it. */
export function setOf(values: readonly Value[]): Value[] {
  const sorted = [...values].sort(compare);
  return sorted.filter((v, i) => i === 0 || compare(sorted[i - 1] as Value, v) !== 0);
}

/** Integers beyond 2^53 must reach the runtime as exact JSON text, which the SDK passes through. */
export function bigJson(v: bigint): ArrayBuffer {
  return new TextEncoder().encode(v.toString()).buffer as ArrayBuffer;
}
