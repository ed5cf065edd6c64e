// Canonical JSON, the bytes every hash in the audit chain is taken over: object keys sorted by
// UTF-16 code units (as RFC 8785 does), no whitespace, strings and numbers exactly as
// JSON.stringify writes them. Keys whose value is undefined are left out, as JSON.stringify does,
// so a record hashed in memory and the same record parsed back from its line hash alike.

import { hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * Deeper than any record the proxy writes. Canonicalization recurses, and a line an attacker
 * nested thousands of levels deep must be refused with this error, not overflow the stack.
 */
export const MAX_NESTING = 512;

export class NestingTooDeep extends RangeError {
  constructor() {
    super(`values nested more than ${MAX_NESTING} levels deep`);
    this.name = 'NestingTooDeep';
  }
}

export function canonicalJson(value: unknown, omitTopLevel: ReadonlySet<string> = NO_OMIT): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return canonicalValue(value, 0);
  // A chain line puts `seq` and `prev` first and leaves fields out, so its top level is always
  // copied in sorted order; its members are copied only where they are not canonical already
  // (records are built in sorted order; a classifier's resource may not be). Then one native
  // JSON.stringify writes it all, several times faster than writing by hand.
  const record = value as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const key of sortedKeys(record)) {
    const v = record[key];
    if (v === undefined || typeof v === 'function' || omitTopLevel.has(key)) continue;
    const c = integerLike(key) ? UNREPRESENTABLE : canonicalCopy(v, 1);
    if (c === UNREPRESENTABLE) return write(record, omitTopLevel, 0);
    sorted[key] = c;
  }
  return JSON.stringify(sorted);
}

const NO_OMIT: ReadonlySet<string> = new Set();

/** The keys in UTF-16 code unit order, sorted only when they are not already. */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  return inOrder(keys) ? keys : sortKeys(keys);
}

function inOrder(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/**
 * Sorts in place by UTF-16 code units, as Array.prototype.sort() does for strings. A record's
 * objects have a dozen keys at most, and an insertion sort of those allocates nothing, where the
 * built-in sort's scratch arrays were a few KB of garbage per request (sampled heap profile).
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

function canonicalValue(value: unknown, depth: number): string {
  const c = canonicalCopy(value, depth);
  return c === UNREPRESENTABLE ? write(value, undefined, depth) : (JSON.stringify(c) ?? 'null');
}

/** A value JSON.stringify cannot write in canonical form however its keys are inserted. */
const UNREPRESENTABLE = Symbol('unrepresentable');

const INTEGER_LIKE = /^(?:0|[1-9]\d*)$/;

/** Array-index-like keys, which objects list first whatever the insertion order. The first character rules out nearly every key without the regex. */
function integerLike(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && INTEGER_LIKE.test(key);
}

/**
 * `value` such that JSON.stringify writes its canonical form: the value itself when it already
 * is canonical (the common case: no allocation), else a copy with keys in sorted order and
 * undefined and function members dropped; UNREPRESENTABLE when an object has an integer-like
 * key (objects list those first, in numeric order, whatever the insertion order) or a toJSON.
 * One pass, copy on write.
 */
function canonicalCopy(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_NESTING) throw new NestingTooDeep();
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      // JSON.stringify writes undefined and functions in arrays as null, as the canonical form does.
      const c = v === undefined || typeof v === 'function' ? v : canonicalCopy(v, depth + 1);
      if (c === UNREPRESENTABLE) return UNREPRESENTABLE;
      if (c !== v) (copy ??= value.slice())[i] = c;
    }
    return copy ?? value;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return UNREPRESENTABLE;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // The copied members, in sorted key order: from the start when the keys must be sorted, else
  // from the first member that differs (the members before it are the originals). Undefined
  // while the object can be used as it is.
  let members: unknown[] | undefined;
  if (!inOrder(keys)) {
    sortKeys(keys);
    members = [];
  }
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (integerLike(key)) return UNREPRESENTABLE;
    const v = record[key];
    const c = v === undefined || typeof v === 'function' ? undefined : canonicalCopy(v, depth + 1);
    if (c === UNREPRESENTABLE) return UNREPRESENTABLE;
    if (c !== v && members === undefined) members = keys.slice(0, i).map((k) => record[k]);
    members?.push(c);
  }
  if (members === undefined) return record;
  const copy: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) if (members[i] !== undefined) copy[keys[i]!] = members[i];
  return copy;
}

// Plain loops and string concatenation: this runs once per audit line on the request path, and
// the entries/filter/map version measured several times slower.
function write(value: unknown, omit: ReadonlySet<string> | undefined, depth: number): string {
  if (value === null || typeof value !== 'object') return scalar(value);
  if (depth >= MAX_NESTING) throw new NestingTooDeep();
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      out += (i === 0 ? '' : ',') + (v === undefined || typeof v === 'function' ? 'null' : canonicalValue(v, depth + 1));
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // UTF-16 code unit order, the order RFC 8785 uses.
  const keys = sortedKeys(record);
  let out = '{';
  for (const key of keys) {
    const v = record[key];
    if (v === undefined || typeof v === 'function' || (omit !== undefined && omit.has(key))) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalValue(v, depth + 1)}`;
  }
  return `${out}}`;
}

function scalar(value: unknown): string {
  if (typeof value === 'bigint') throw new TypeError('audit records cannot hold bigint values');
  // JSON.stringify maps NaN/Infinity to null and quotes strings; undefined cannot reach here from
  // an object (filtered) and becomes null in arrays.
  return JSON.stringify(value) ?? 'null';
}

/** Which top-level fields a line's hash leaves out: its own hash, and a checkpoint's signature. */
export function hashedFieldsOmit(kind: unknown): ReadonlySet<string> {
  return kind === 'checkpoint' ? OMIT_CHECKPOINT : OMIT_PLAIN;
}

const OMIT_PLAIN: ReadonlySet<string> = new Set(['hash']);
const OMIT_CHECKPOINT: ReadonlySet<string> = new Set(['hash', 'signature']);

/** SHA-256 (hex) over the canonical form of a line, without the fields it must not cover. */
export function lineHash(line: Readonly<Record<string, unknown>>): string {
  return sha256Hex(canonicalJson(line, hashedFieldsOmit(line['kind'])));
}

/**
 * A line that is its own canonical form plus its hash: the hashed text with `"hash"` appended
 * as the last member. Parsing it back and canonicalizing without `hash` gives the hashed text
 * again, so verification is unchanged; writing it costs one serialization instead of two.
 */
export function hashedLine(unhashed: Readonly<Record<string, unknown>>): { readonly line: string; readonly hash: string } {
  const text = canonicalJson(unhashed, OMIT_PLAIN);
  const hash = sha256Hex(text);
  return { line: `${text.slice(0, -1)},"hash":"${hash}"}\n`, hash };
}

/** One-shot crypto.hash (Node >= 20.12): no Hash object per line, a third less CPU than createHash. */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}
