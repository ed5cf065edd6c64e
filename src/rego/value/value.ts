// The interpreter's value model: JSON scalars as JS primitives, exact numbers, arrays, and
// objects/sets hashed on a canonical key so that structurally equal values collide.
import { RNumber, numCompare } from './number.js';

export { RNumber };

export type Value = null | boolean | RNumber | string | Value[] | RObject | RSet;

/** Canonical key: equal values (1 and 1.0, sets in any order) have equal keys. */
export function keyOf(v: Value): string {
  if (v === null) return 'n';
  if (v === true) return 't';
  if (v === false) return 'f';
  if (typeof v === 'string') return `s${JSON.stringify(v)}`;
  if (v instanceof RNumber) return `#${v.m}e${v.e}`;
  if (Array.isArray(v)) return `[${v.map(keyOf).join(',')}]`;
  if (v instanceof RObject) {
    return `{${v.sortedEntries().map(([k, x]) => `${keyOf(k)}:${keyOf(x)}`).join(',')}}`;
  }
  return `<${v.sorted().map(keyOf).join(',')}>`;
}

export class RObject {
  private readonly map = new Map<string, [Value, Value]>();
  private order: [Value, Value][] | undefined;

  get size(): number {
    return this.map.size;
  }

  get(k: Value): Value | undefined {
    return this.map.get(keyOf(k))?.[1];
  }

  set(k: Value, v: Value): void {
    this.map.set(keyOf(k), [k, v]);
    this.order = undefined;
  }

  delete(k: Value): void {
    this.map.delete(keyOf(k));
    this.order = undefined;
  }

  /** Entries in Rego key order, which is the order OPA iterates objects in. */
  sortedEntries(): [Value, Value][] {
    if (this.order === undefined) {
      this.order = [...this.map.values()].sort((a, b) => compare(a[0], b[0]));
    }
    return this.order;
  }

  keys(): Value[] {
    return this.sortedEntries().map((e) => e[0]);
  }

  copy(): RObject {
    const o = new RObject();
    for (const [k, v] of this.map.values()) o.set(k, v);
    return o;
  }
}

export class RSet {
  private readonly map = new Map<string, Value>();
  private order: Value[] | undefined;

  get size(): number {
    return this.map.size;
  }

  has(v: Value): boolean {
    return this.map.has(keyOf(v));
  }

  add(v: Value): void {
    const k = keyOf(v);
    if (!this.map.has(k)) {
      this.map.set(k, v);
      this.order = undefined;
    }
  }

  sorted(): Value[] {
    if (this.order === undefined) this.order = [...this.map.values()].sort(compare);
    return this.order;
  }
}

export function setOf(vs: Iterable<Value>): RSet {
  const s = new RSet();
  for (const v of vs) s.add(v);
  return s;
}

export function objectOf(entries: Iterable<[Value, Value]>): RObject {
  const o = new RObject();
  for (const [k, v] of entries) o.set(k, v);
  return o;
}

function rank(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return 1;
  if (v instanceof RNumber) return 2;
  if (typeof v === 'string') return 3;
  if (Array.isArray(v)) return 4;
  if (v instanceof RObject) return 5;
  return 6;
}

function compareSeq(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i] as Value, b[i] as Value);
    if (c !== 0) return c;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

/** Rego's total order: null < booleans < numbers < strings < arrays < objects < sets. */
export function compare(a: Value, b: Value): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return a === b ? 0 : a === false ? -1 : 1;
    case 2:
      return numCompare(a as RNumber, b as RNumber);
    case 3:
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
    case 4:
      return compareSeq(a as Value[], b as Value[]);
    case 5: {
      const ea = (a as RObject).sortedEntries();
      const eb = (b as RObject).sortedEntries();
      const n = Math.min(ea.length, eb.length);
      for (let i = 0; i < n; i++) {
        const x = ea[i] as [Value, Value];
        const y = eb[i] as [Value, Value];
        const c = compare(x[0], y[0]) || compare(x[1], y[1]);
        if (c !== 0) return c;
      }
      return ea.length < eb.length ? -1 : ea.length === eb.length ? 0 : 1;
    }
    default:
      return compareSeq((a as RSet).sorted(), (b as RSet).sorted());
  }
}

export function equal(a: Value, b: Value): boolean {
  return compare(a, b) === 0;
}

export function typeName(v: Value): string {
  return ['null', 'boolean', 'number', 'string', 'array', 'object', 'set'][rank(v)] as string;
}

/** Converts a plain JS value (from JSON.parse or YAML) into a Value. */
export function fromJS(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'boolean' || typeof x === 'string') return x;
  if (typeof x === 'number') return RNumber.fromDouble(x) ?? null;
  if (typeof x === 'bigint') return RNumber.int(x);
  if (x instanceof RNumber) return x;
  if (Array.isArray(x)) return x.map(fromJS);
  if (x instanceof Set) return setOf([...x].map(fromJS));
  const o = new RObject();
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) o.set(k, fromJS(v));
  return o;
}

/** JSON text of a value; sets become arrays, non-string object keys are stringified (as OPA). */
export function toJSONText(v: Value): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof RNumber) return v.toString();
  if (Array.isArray(v)) return `[${v.map(toJSONText).join(',')}]`;
  if (v instanceof RObject) {
    const parts = v.sortedEntries().map(([k, x]) => {
      const ks = typeof k === 'string' ? k : toJSONText(k);
      return `${JSON.stringify(ks)}:${toJSONText(x)}`;
    });
    return `{${parts.join(',')}}`;
  }
  return `[${v.sorted().map(toJSONText).join(',')}]`;
}

/** Plain JS value (numbers as doubles unless integral and large, then as strings of digits). */
export function toJS(v: Value): unknown {
  return JSON.parse(toJSONText(v)) as unknown;
}
