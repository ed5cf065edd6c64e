// Reads a Gerrit {change-id} path segment in every form Gerrit's ChangeFinder accepts, so the
// proxy names the same change Gerrit will act on. Project names arrive %2F-encoded; the
// segment is decoded once here, exactly as Gerrit decodes a path segment.

export type ChangeIdForm = 'number' | 'project-number' | 'triplet' | 'change-id' | 'commit';

export interface ParsedChangeId {
  readonly form: ChangeIdForm;
  /** The decoded identifier, as Gerrit resolves it (used to look the change up). */
  readonly raw: string;
  readonly number?: number;
  readonly project?: string;
  readonly branch?: string;
  readonly changeId?: string;
  readonly commit?: string;
}

const NUMBER = /^[1-9][0-9]{0,9}$/;
const CHANGE_KEY = /^I[0-9a-f]{4,40}$/i;
const COMMIT = /^[0-9a-f]{7,40}$/i;
const MAX_CHANGE_NUMBER = 2 ** 31 - 1;

/** Decodes one path segment; undefined when it is not valid percent-encoded UTF-8. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Parses an already-decoded change identifier; undefined when no accepted form matches. */
export function parseChangeId(raw: string): ParsedChangeId | undefined {
  if (NUMBER.test(raw)) {
    const n = Number(raw);
    return n <= MAX_CHANGE_NUMBER ? { form: 'number', raw, number: n } : undefined;
  }
  const last = raw.lastIndexOf('~');
  if (last > 0) return parseQualified(raw, last);
  if (CHANGE_KEY.test(raw)) return { form: 'change-id', raw, changeId: canonicalKey(raw) };
  if (COMMIT.test(raw)) return { form: 'commit', raw, commit: raw.toLowerCase() };
  return undefined;
}

/** Decodes and parses a {change-id} path segment. */
export function parseChangeIdSegment(segment: string): ParsedChangeId | undefined {
  const decoded = decodeSegment(segment);
  return decoded === undefined ? undefined : parseChangeId(decoded);
}

function parseQualified(raw: string, last: number): ParsedChangeId | undefined {
  const tail = raw.slice(last + 1);
  const head = raw.slice(0, last);
  if (NUMBER.test(tail)) {
    const n = Number(tail);
    if (n > MAX_CHANGE_NUMBER || head === '') return undefined;
    return { form: 'project-number', raw, project: head, number: n };
  }
  // project~branch~Change-Id: Gerrit splits on the last two tildes, so a project may hold one.
  const middle = head.lastIndexOf('~');
  if (middle <= 0 || !CHANGE_KEY.test(tail)) return undefined;
  const project = head.slice(0, middle);
  const branch = head.slice(middle + 1);
  if (branch === '') return undefined;
  return { form: 'triplet', raw, project, branch: fullBranch(branch), changeId: canonicalKey(tail) };
}

export function fullBranch(branch: string): string {
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
}

function canonicalKey(key: string): string {
  return `I${key.slice(1).toLowerCase()}`;
}
