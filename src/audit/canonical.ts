// Canonical JSON, the bytes every hash in the audit chain is taken over: object keys sorted by
// UTF-16 code units (as RFC 8785 does), no whitespace, strings and numbers exactly as
// JSON.stringify writes them. Keys whose value is undefined are left out, as JSON.stringify does,
// so a record hashed in memory and the same record parsed back from its line hash alike.

import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export function canonicalJson(value: unknown, omitTopLevel: ReadonlySet<string> = new Set()): string {
  return write(value, omitTopLevel);
}

function write(value: unknown, omit: ReadonlySet<string> | undefined): string {
  if (value === null || typeof value !== 'object') return scalar(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : write(v, undefined))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([k, v]) => v !== undefined && typeof v !== 'function' && !(omit?.has(k) ?? false))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v, undefined)}`).join(',')}}`;
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

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
