// "Did you mean": find which keys the schema accepts at a path, and the nearest one to a typo.

import { z } from 'zod';

type Schema = z.core.$ZodType;

/** Strip wrappers that don't change which keys are allowed. */
function unwrap(schema: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 16; i++) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) {
      s = s.unwrap() as Schema;
    } else if (s instanceof z.ZodPipe) {
      s = s.in as Schema;
    } else {
      return s;
    }
  }
  return s;
}

function child(schema: Schema, key: PropertyKey): Schema | undefined {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) return typeof key === 'string' ? (s.shape as Record<string, Schema>)[key] : undefined;
  if (s instanceof z.ZodArray) return typeof key === 'number' ? (s.element as Schema) : undefined;
  if (s instanceof z.ZodRecord) return s.valueType as Schema;
  return undefined;
}

/** Keys the object (or enum-keyed record) at `path` accepts; empty when unknown. */
export function knownKeysAt(root: Schema, path: readonly PropertyKey[]): string[] {
  let s: Schema | undefined = root;
  for (const key of path) {
    if (s === undefined) return [];
    s = child(s, key);
  }
  if (s === undefined) return [];
  const target = unwrap(s);
  if (target instanceof z.ZodObject) return Object.keys(target.shape);
  if (target instanceof z.ZodRecord && target.keyType instanceof z.ZodEnum) {
    return target.keyType.options.map(String);
  }
  return [];
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest known key, if it is close enough to be a plausible typo. */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = key.toLowerCase() === lower ? 0 : distance(lower, key.toLowerCase());
    if (best === undefined || d < best.d) best = { key, d };
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(unknown.length, best.key.length) / 3));
  return best.d <= allowed ? best.key : undefined;
}
