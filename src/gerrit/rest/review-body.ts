// What a ReviewInput (POST .../revisions/{rev}/review) or SubmitInput asks for, reduced to the
// facts a policy decides on. Label values are read the way Gson would coerce them into a
// short, so "+2", 2 and 2.0 are all +2; a value Gson might read differently is refused.

import { ChangegateError } from '../../errors.js';
import { ownEntry } from '../../util/own.js';

export interface ReviewFacts {
  /** Label -> value; Code-Review and Verified are given their canonical spelling. */
  readonly labels: Readonly<Record<string, number>>;
  readonly on_behalf_of: string | null;
  readonly reviewers: readonly string[];
  readonly ready: boolean;
  readonly work_in_progress: boolean;
  readonly drafts: string | null;
  readonly has_message: boolean;
  readonly has_comments: boolean;
}

const CANONICAL_LABELS: Readonly<Record<string, string>> = { 'code-review': 'Code-Review', verified: 'Verified' };
const SHORT_MIN = -32768;
const SHORT_MAX = 32767;

export function reviewFacts(body: Record<string, unknown>): ReviewFacts {
  return {
    labels: labelsOf(body['labels']),
    on_behalf_of: onBehalfOf(body),
    reviewers: reviewersOf(body['reviewers']),
    ready: body['ready'] === true,
    work_in_progress: body['work_in_progress'] === true,
    drafts: typeof body['drafts'] === 'string' ? body['drafts'] : null,
    has_message: typeof body['message'] === 'string' && body['message'] !== '',
    has_comments: isNonEmpty(body['comments']) || isNonEmpty(body['robot_comments']),
  };
}

export function onBehalfOf(body: Record<string, unknown>): string | null {
  const v = body['on_behalf_of'];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  throw new ChangegateError('bad_body', 'on_behalf_of must be an account identifier');
}

function labelsOf(raw: unknown): Record<string, number> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ChangegateError('bad_body', 'labels must be an object of label name to vote');
  // The client names these keys: a label called `constructor` or `__proto__` must be just a
  // label, so the result has no prototype to collide with.
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const key = ownEntry(CANONICAL_LABELS, name.toLowerCase()) ?? name;
    const vote = voteValue(name, value);
    const prior = out[key];
    // Two spellings of one label: judge the one that asks for more.
    out[key] = prior === undefined || Math.abs(vote) > Math.abs(prior) ? vote : prior;
  }
  return out;
}

function voteValue(name: string, value: unknown): number {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*[+-]?\d+(\.0*)?\s*$/.test(value)) n = Number(value.trim());
  if (n === undefined || !Number.isInteger(n) || n < SHORT_MIN || n > SHORT_MAX) {
    throw new ChangegateError('bad_body', `the vote for label ${JSON.stringify(name)} is not a whole number`);
  }
  return n === 0 ? 0 : n;
}

function reviewersOf(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((r: unknown) => {
    // Only the entry's own `reviewer` key counts; an object is never turned into text (its
    // `toString` is the client's, and may not even be a function).
    const id: unknown = r !== null && typeof r === 'object' && Object.hasOwn(r, 'reviewer') ? (r as { reviewer: unknown }).reviewer : r;
    if (id !== null && typeof id === 'object') throw new ChangegateError('bad_body', 'each reviewer must be an account identifier or {"reviewer": ...}');
    return String(id);
  });
}

function isNonEmpty(v: unknown): boolean {
  return v !== null && typeof v === 'object' && Object.keys(v).length > 0;
}
