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
  // A chain line puts `seq` and `prev` first and leaves fields out, so its top level is copied
  // in sorted order, while its members, built in canonical order, are only checked; then one
  // native JSON.stringify writes it all. Any member that is not canonical sends the whole line
  // to the hand-written path.
  const record = value as Record<string, unknown>;
  const sorted: Record<string, unknown> = {};
  for (const key of sortedKeys(record)) {
    const v = record[key];
    if (v === undefined || typeof v === 'function' || omitTopLevel.has(key)) continue;
    if (integerLike(key) || !isCanonical(v, 1)) return write(record, omitTopLevel, 0);
    sorted[key] = v;
  }
  return JSON.stringify(sorted);
}

const NO_OMIT: ReadonlySet<string> = new Set();

/** The keys in UTF-16 code unit order, sorted only when they are not already. */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return keys.sort();
  return keys;
}

/**
 * A value below the top level. Records are built in canonical order, so nearly every member is
 * checked (no allocation) and handed to the native JSON.stringify whole; only a member that is
 * not canonical as it stands is written by hand.
 */
function canonicalValue(value: unknown, depth: number): string {
  return isCanonical(value, depth) ? (JSON.stringify(value) ?? 'null') : write(value, undefined, depth);
}

const INTEGER_LIKE = /^(?:0|[1-9]\d*)$/;

/** Array-index-like keys, which objects list first whatever the insertion order. The first character rules out nearly every key without the regex. */
function integerLike(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && INTEGER_LIKE.test(key);
}

/**
 * True when JSON.stringify(value) is already its canonical form: every object's keys in sorted
 * order, none integer-like (objects list those first, in numeric order), no undefined or
 * function members (JSON.stringify drops them; the canonical form does too, but an array turns
 * them into null, which write() does as well, so arrays may hold them only through write()).
 */
function isCanonical(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'bigint';
  if (depth >= MAX_NESTING) throw new NestingTooDeep();
  if (Array.isArray(value)) {
    for (const v of value) if (v === undefined || typeof v === 'function' || !isCanonical(v, depth + 1)) return false;
    return true;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  const record = value as Record<string, unknown>;
  let previous: string | undefined;
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) return false;
    if ((previous !== undefined && previous >= key) || integerLike(key)) return false;
    previous = key;
    const v = record[key];
    if (v === undefined || typeof v === 'function' || !isCanonical(v, depth + 1)) return false;
  }
  return true;
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
  // Default sort compares UTF-16 code units, the order RFC 8785 uses.
  const keys = Object.keys(record).sort();
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
