// Value operations shared by the interpreter's statements and builtins: lookups, lengths,
// the base/virtual document merge, and the copy-on-write upsert used by WithStmt.
import { RNumber, RObject, RSet, type Value } from './value.js';

export function dot(src: Value, key: Value): Value | undefined {
  if (src instanceof RObject) return src.get(key);
  if (Array.isArray(src)) {
    if (!(key instanceof RNumber)) return undefined;
    const i = key.toBigInt();
    if (i === undefined || i < 0n || i >= BigInt(src.length)) return undefined;
    return src[Number(i)];
  }
  if (src instanceof RSet) return src.has(key) ? key : undefined;
  return undefined;
}

export function length(v: Value | undefined): number | undefined {
  if (Array.isArray(v)) return v.length;
  if (v instanceof RObject || v instanceof RSet) return v.size;
  if (typeof v === 'string') return [...v].length;
  return undefined;
}

/**
 * Recursive object merge (base document `a` with virtual document `b`), as OPA's C runtime's
 * opa_value_merge: objects merge key by key; anywhere else `a` wins.
 */
export function merge(a: Value | undefined, b: Value | undefined): Value | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (!(a instanceof RObject) || !(b instanceof RObject)) return a;
  const out = new RObject();
  for (const [k, v] of a.sortedEntries()) {
    const other = b.get(k);
    if (other === undefined) out.set(k, v);
    else {
      const m = merge(v, other);
      if (m === undefined) return undefined;
      out.set(k, m);
    }
  }
  for (const [k, v] of b.sortedEntries()) if (a.get(k) === undefined) out.set(k, v);
  return out;
}

/** Copy-on-write insert of `v` at `path`, replacing non-objects on the way (WithStmt). */
export function upsert(base: Value | undefined, path: string[], v: Value): Value {
  const [head, ...rest] = path;
  if (head === undefined) return v;
  const o = base instanceof RObject ? base.copy() : new RObject();
  o.set(head, upsert(o.get(head), rest, v));
  return o;
}
