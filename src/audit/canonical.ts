// Canonical JSON, the bytes every hash in the audit chain is taken over: object keys sorted by
// UTF-16 code units (as RFC 8785 does), no whitespace, strings and numbers exactly as
// JSON.stringify writes them. Keys whose value is undefined are left out, as JSON.stringify does,
// so a record hashed in memory and the same record parsed back from its line hash alike.

import { createHash } from 'node:crypto';

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

export function canonicalJson(value: unknown, omitTopLevel: ReadonlySet<string> = new Set()): string {
  const copy = sortedCopy(value, omitTopLevel, 0);
  // JSON.stringify is native and several times faster than writing by hand, but objects list
  // integer-like keys ("10", "9") first in numeric order whatever the insertion order; only then
  // is the hand-written path needed.
  return copy === undefined ? write(value, omitTopLevel, 0) : (JSON.stringify(copy) ?? 'null');
}

const INTEGER_LIKE = /^(?:0|[1-9]\d*)$/;

/**
 * The value with object keys in sorted order, or undefined when an integer-like key prevents it.
 * A subtree already in canonical order is returned as is: records are mostly built that way, and
 * copying them was a measurable part of every request's cost.
 */
function sortedCopy(value: unknown, omit: ReadonlySet<string> | undefined, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_NESTING) throw new NestingTooDeep();
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const c = sortedCopy(v, undefined, depth + 1);
      if (c === undefined && v !== undefined) return undefined;
      if (c !== v) out ??= value.slice(0, i);
      out?.push(c);
    }
    return out ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let changed = false;
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      changed = true;
      keys.sort();
      break;
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (INTEGER_LIKE.test(key)) return undefined;
    const v = record[key];
    if (v === undefined || typeof v === 'function' || (omit !== undefined && omit.has(key))) {
      changed = true;
      continue;
    }
    const c = sortedCopy(v, undefined, depth + 1);
    if (c === undefined) return undefined;
    if (c !== v) changed = true;
    out[key] = c;
  }
  return changed ? out : record;
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
      out += (i === 0 ? '' : ',') + (v === undefined || typeof v === 'function' ? 'null' : write(v, undefined, depth + 1));
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
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${write(v, undefined, depth + 1)}`;
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

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
