// zod issues -> one line per problem, `<path>: <reason>`, written for the person editing the file.
// Custom messages from the schema (such as "expected an http(s) URL") pass through unchanged;
// zod's generic wording is rewritten into something shorter.

import type { z } from 'zod';
import { formatKeyPath, type KeyPath } from './key-path.js';
import { knownKeysAt, suggestKey } from './suggest.js';

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

/** zod's default messages start like this; anything else was written in our schema. */
const GENERIC = /^(Invalid|Too small|Too big|Unrecognized)/;

function valueAt(root: unknown, path: KeyPath): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = Object.prototype.hasOwnProperty.call(v, key) ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return v;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'int':
      return 'an integer';
    default:
      return `a ${expected}`;
  }
}

function quoteAll(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function sizeReason(issue: Issue & { code: 'too_small' | 'too_big' }): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'string':
      if (small && bound === 1) return 'must not be empty';
      return `expected ${small ? 'at least' : 'at most'} ${bound} characters`;
    case 'array':
      if (small && bound === 1) return 'expected at least one item';
      return `expected ${small ? 'at least' : 'at most'} ${bound} items`;
    default:
      return `expected a number ${small ? '>' : '<'}${inclusive ? '=' : ''} ${bound}`;
  }
}

/** Summarize a failed union: "expected "auto" or a number". */
function unionReason(issue: Issue & { code: 'invalid_union' }): string {
  const parts = new Set<string>();
  for (const branch of issue.errors) {
    for (const sub of branch) {
      if (sub.code === 'invalid_type') parts.add(expectedName(sub.expected));
      else if (sub.code === 'invalid_value') parts.add(quoteAll(sub.values));
      else parts.add(sub.message);
    }
  }
  return parts.size > 0 ? `expected ${[...parts].join(' or ')}` : 'invalid value';
}

function reason(issue: Issue, input: unknown): string {
  if (issue.code !== 'unrecognized_keys' && !GENERIC.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      const got = valueAt(input, issue.path);
      return got === undefined ? 'required' : `expected ${expectedName(issue.expected)}, got ${kindOf(got)}`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `expected ${quoteAll(issue.values)}` : `expected one of ${quoteAll(issue.values)}`;
    case 'too_small':
    case 'too_big':
      return sizeReason(issue);
    case 'invalid_format':
      return `expected ${issue.format === 'regex' ? 'a value matching the required pattern' : `a valid ${issue.format}`}`;
    case 'invalid_union':
      return unionReason(issue);
    default:
      return issue.message;
  }
}

function unknownKeyLines(issue: Issue & { code: 'unrecognized_keys' }, schema: Schema): string[] {
  const known = knownKeysAt(schema, issue.path);
  // A person reads the first few; the rest are counted (a 40,000-key file must not cost 40,000
  // edit-distance searches to say so).
  const lines = issue.keys.slice(0, MAX_UNKNOWN_KEYS_LISTED).map((key) => {
    const hint = suggestKey(key, known);
    const where = formatKeyPath([...issue.path, key]);
    return hint === undefined ? `${where}: unknown key` : `${where}: unknown key (did you mean "${hint}"?)`;
  });
  const more = issue.keys.length - lines.length;
  if (more > 0) lines.push(`${formatKeyPath(issue.path)}: ${more} more unknown key(s)`);
  return lines;
}

const MAX_UNKNOWN_KEYS_LISTED = 50;

export function issuesToLines(issues: readonly Issue[], schema: Schema, input: unknown): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') lines.push(...unknownKeyLines(issue, schema));
    else lines.push(`${formatKeyPath(issue.path)}: ${reason(issue, input)}`);
  }
  return lines;
}
