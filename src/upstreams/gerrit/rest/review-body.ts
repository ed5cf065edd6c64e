// What a ReviewInput (POST .../revisions/{rev}/review) or SubmitInput asks for, reduced to the
// facts a policy decides on. Gerrit reads these bodies with Gson, which coerces: "true"/"TRUE"
// become the boolean true, numbers and booleans become strings, "+2" becomes the short 2,
// unknown enum names become null, a JSON array of pairs becomes a map. Rather than emulate each
// rule, every field we read must have the one JSON type that Gson reads without coercion;
// anything else is refused with 400 naming the field. README.md (next to this file) lists what
// Gson does per field and where that was read.

import { ChangegateError } from '../../../errors.js';

export interface ReviewFacts {
  /** Label -> value; Code-Review and Verified are given their canonical spelling. */
  readonly labels: Readonly<Record<string, number>>;
  readonly on_behalf_of: string | null;
  readonly reviewers: readonly string[];
  readonly ready: boolean;
  readonly work_in_progress: boolean;
  readonly drafts: DraftHandling | null;
  readonly tag: string | null;
  readonly has_message: boolean;
  readonly has_comments: boolean;
}

type Body = Readonly<Record<string, unknown>>;

/** Gerrit looks labels up by `name.toLowerCase(Locale.US)` (LabelTypes.byLabel). */
const CANONICAL_LABELS: ReadonlyMap<string, string> = new Map([
  ['code-review', 'Code-Review'],
  ['verified', 'Verified'],
]);
const SHORT_MIN = -32768;
const SHORT_MAX = 32767;
/** ReviewInput.DraftHandling; Gson turns any other name into null (KEEP). */
const DRAFT_HANDLING = ['KEEP', 'PUBLISH', 'PUBLISH_ALL_REVISIONS'] as const;
type DraftHandling = (typeof DRAFT_HANDLING)[number];
/** ReviewerState; Gson turns any other name into null (REVIEWER). */
const REVIEWER_STATES: ReadonlySet<string> = new Set(['REVIEWER', 'CC', 'REMOVED']);

export function reviewFacts(body: Body): ReviewFacts {
  return {
    labels: labelsOf(field(body, 'labels')),
    on_behalf_of: onBehalfOf(body),
    reviewers: reviewersOf(field(body, 'reviewers')),
    ready: booleanOf(body, 'ready'),
    work_in_progress: booleanOf(body, 'work_in_progress'),
    drafts: draftsOf(field(body, 'drafts')),
    tag: stringOf(body, 'tag'),
    has_message: (stringOf(body, 'message') ?? '') !== '',
    has_comments: hasEntries(body, 'comments') || hasEntries(body, 'robot_comments'),
  };
}

/** ReviewInput.onBehalfOf and SubmitInput.onBehalfOf: a String. */
export function onBehalfOf(body: Body): string | null {
  return stringOf(body, 'on_behalf_of');
}

/** Own properties only: a body key never reaches Object.prototype (`constructor`, `__proto__`). */
function field(body: Body, name: string): unknown {
  return Object.hasOwn(body, name) ? body[name] : undefined;
}

function refuse(name: string, what: string): never {
  throw new ChangegateError('bad_body', `the body field "${name}" ${what}`, { details: { field: name } });
}

/**
 * A primitive `boolean`: Gson's boolean adapter also reads the strings "true"/"false" in any
 * case (Boolean.parseBoolean), and null leaves the default false. Only JSON booleans pass.
 */
function booleanOf(body: Body, name: string): boolean {
  const v = field(body, name);
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') refuse(name, 'must be the JSON boolean true or false (Gerrit would read a string such as "true" as a boolean)');
  return v;
}

/** A String: Gson's string adapter also turns numbers and booleans into text. */
function stringOf(body: Body, name: string): string | null {
  const v = field(body, name);
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') refuse(name, 'must be a JSON string (Gerrit would turn a number or boolean into text)');
  return v;
}

function draftsOf(v: unknown): DraftHandling | null {
  if (v === undefined || v === null) return null;
  const known = DRAFT_HANDLING.find((d) => d === v);
  if (known === undefined) refuse('drafts', `must be one of ${DRAFT_HANDLING.join(', ')} (Gerrit would ignore any other value)`);
  return known;
}

/**
 * Map<String, Short>. Values: JSON integers in a short's range only (Gson also reads "+2",
 * "2.0", " 2" and wraps 32768..65535 to negative votes). Names: Gerrit matches them ignoring
 * case, so one label named twice in two spellings is ambiguous and refused. Arrays are refused
 * too (Gson reads `[["Code-Review", 2]]` as a map).
 */
function labelsOf(raw: unknown): Record<string, number> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) refuse('labels', 'must be a JSON object of label name to vote');
  const votes = new Map<string, number>();
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(raw as Body)) {
    const folded = name.toLowerCase();
    const earlier = seen.get(folded);
    if (earlier !== undefined) refuse('labels', `names one label twice (${JSON.stringify(earlier)} and ${JSON.stringify(name)}); Gerrit matches label names ignoring case`);
    seen.set(folded, name);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < SHORT_MIN || value > SHORT_MAX) {
      refuse('labels', `has a vote for ${JSON.stringify(name)} that is not a JSON integer from ${SHORT_MIN} to ${SHORT_MAX} (send votes as numbers, not strings)`);
    }
    votes.set(CANONICAL_LABELS.get(folded) ?? name, value === 0 ? 0 : value);
  }
  // Object.fromEntries defines own properties, so a label named "__proto__" stays a label.
  return Object.fromEntries(votes);
}

/** List<ReviewerInput>: objects whose `reviewer` is a String and `state` a ReviewerState name. */
function reviewersOf(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) refuse('reviewers', 'must be a JSON array of {"reviewer": ...} objects');
  return raw.map((entry: unknown) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) refuse('reviewers', 'must hold {"reviewer": ...} objects only');
    const reviewer = field(entry as Body, 'reviewer');
    if (typeof reviewer !== 'string' || reviewer === '') refuse('reviewers', 'has an entry whose "reviewer" is not a non-empty JSON string');
    const state = field(entry as Body, 'state');
    if (state !== undefined && state !== null && (typeof state !== 'string' || !REVIEWER_STATES.has(state))) {
      refuse('reviewers', `has an entry whose "state" is not one of ${[...REVIEWER_STATES].join(', ')}`);
    }
    return reviewer;
  });
}

/** Map<String, List<...>>: an object (Gson would also read an array of pairs; refused). */
function hasEntries(body: Body, name: string): boolean {
  const v = field(body, name);
  if (v === undefined || v === null) return false;
  if (typeof v !== 'object' || Array.isArray(v)) refuse(name, 'must be a JSON object of file path to comments');
  return Object.keys(v).length > 0;
}
