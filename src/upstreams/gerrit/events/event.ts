// The webhooks plugin's event bodies (Gerrit's stream-event JSON, Documentation/json.txt), read
// into the few facts Changegate acts on. The body comes from the network, so it is parsed
// strictly: every field we use is checked for its type, and anything we do not use is ignored.

import { ChangegateError } from '../../../errors.js';
import { parseJsonObject } from '../rest/body.js';

/** The events that close a change (and kill the tokens bound to it), reopen it, or add a patch set. */
export const HANDLED_EVENTS = ['change-merged', 'change-abandoned', 'change-restored', 'patchset-created'] as const;
export type HandledEventType = (typeof HANDLED_EVENTS)[number];

/** Which handled events close a change. */
export const CLOSING_EVENTS: ReadonlySet<HandledEventType> = new Set(['change-merged', 'change-abandoned']);

export interface EventAccount {
  readonly username?: string;
  readonly email?: string;
}

export interface ChangeEvent {
  readonly type: HandledEventType;
  readonly change: { readonly number: number; readonly changeId: string; readonly project: string; readonly branch: string };
  readonly patchSet?: { readonly number: number; readonly revision: string };
  /** Who did it: the submitter, abandoner or uploader. */
  readonly actor?: EventAccount;
}

export type ParsedEvent = { readonly kind: 'handled'; readonly event: ChangeEvent } | { readonly kind: 'ignored'; readonly type: string };

/** The account attribute each event type names its actor in. */
const ACTOR_FIELD: Readonly<Record<HandledEventType, string>> = {
  'change-merged': 'submitter',
  'change-abandoned': 'abandoner',
  'change-restored': 'restorer',
  'patchset-created': 'uploader',
};

const MAX_CHANGE_NUMBER = 2 ** 31 - 1;
const CHANGE_KEY = /^I[0-9a-f]{40}$/;
const SHA = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;
/** Event types are short lowercase words joined by dashes (`ref-updated`, `wip-state-changed`). */
const EVENT_TYPE = /^[a-z][a-z0-9-]{0,63}$/;

function bad(reason: string): ChangegateError {
  return new ChangegateError('bad_body', reason);
}

function isHandled(type: string): type is HandledEventType {
  return (HANDLED_EVENTS as readonly string[]).includes(type);
}

/** Parses one delivered event; a bad_body ChangegateError names what is wrong. */
export function parseGerritEvent(bytes: Buffer, contentType: string | undefined): ParsedEvent {
  if (bytes.length === 0) throw bad('the webhook event body is empty');
  const json = parseJsonObject(bytes, contentType, 'webhook event');
  const type = json['type'];
  if (typeof type !== 'string' || !EVENT_TYPE.test(type)) throw bad('type: expected a Gerrit event type such as "change-merged"');
  if (!isHandled(type)) return { kind: 'ignored', type };
  const change = object(json['change'], 'change');
  const patchSet = json['patchSet'] === undefined ? undefined : object(json['patchSet'], 'patchSet');
  const actor = account(json[ACTOR_FIELD[type]], ACTOR_FIELD[type]);
  if (type === 'patchset-created' && patchSet === undefined) throw bad('patchSet: a patchset-created event names its patch set');
  return {
    kind: 'handled',
    event: {
      type,
      change: {
        number: changeNumber(change['number']),
        changeId: matching(change['id'], CHANGE_KEY, 'change.id', 'a Change-Id (I and 40 hex digits)'),
        project: text(change['project'], 'change.project'),
        branch: text(change['branch'], 'change.branch'),
      },
      ...(patchSet === undefined ? {} : { patchSet: { number: positive(patchSet['number'], 'patchSet.number'), revision: matching(patchSet['revision'], SHA, 'patchSet.revision', 'a commit SHA') } }),
      ...(actor === undefined ? {} : { actor }),
    },
  };
}

function object(v: unknown, field: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad(`${field}: expected an object`);
  return v as Record<string, unknown>;
}

function text(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '' || v.length > 1024) throw bad(`${field}: expected a non-empty string`);
  return v;
}

function matching(v: unknown, shape: RegExp, field: string, what: string): string {
  if (typeof v !== 'string' || !shape.test(v)) throw bad(`${field}: expected ${what}`);
  return v;
}

/** Gerrit writes numbers as JSON numbers; releases before 2.14 wrote them as strings. */
function positive(v: unknown, field: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^[1-9][0-9]{0,9}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0 || n > MAX_CHANGE_NUMBER) throw bad(`${field}: expected a positive whole number`);
  return n;
}

function changeNumber(v: unknown): number {
  return positive(v, 'change.number');
}

/** The actor is informative only (for the audit record): one with neither user name nor email is left out. */
function account(v: unknown, field: string): EventAccount | undefined {
  if (v === undefined) return undefined;
  const a = object(v, field);
  const pick = (k: string): string | undefined => (typeof a[k] === 'string' && a[k] !== '' && (a[k] as string).length <= 256 ? (a[k] as string) : undefined);
  const username = pick('username');
  const email = pick('email');
  if (username === undefined && email === undefined) return undefined;
  return { ...(username === undefined ? {} : { username }), ...(email === undefined ? {} : { email }) };
}
