// The shape a REST route table produces: an action plus what the classifier must still do
// (read the body, resolve the change or the account) before the policy can decide.

import type { EffectiveMethod } from './effective.js';

export const ACTIONS = {
  read: 'gerrit.read',
  submit: 'gerrit.change.submit',
  review: 'gerrit.change.review',
  voteDelete: 'gerrit.change.vote.delete',
  create: 'gerrit.change.create',
  update: 'gerrit.change.update',
  projectAdmin: 'gerrit.project.admin',
  credentials: 'gerrit.account.credentials',
  accountUpdate: 'gerrit.account.update',
  accountAdmin: 'gerrit.account.admin',
  groupAdmin: 'gerrit.group.admin',
  serverAdmin: 'gerrit.server.admin',
  unknownWrite: 'gerrit.write.unknown',
} as const;

export type RestAction = (typeof ACTIONS)[keyof typeof ACTIONS];

/** `gerrit.change.update` views that close the change (the tokens bound to it then die). */
export const CLOSING_UPDATE_VIEWS: ReadonlySet<string> = new Set(['abandon', 'delete']);

/** Which request body the classifier reads to judge the call. */
export type BodyKind = 'review' | 'submit';

export interface RestMatch {
  readonly action: RestAction;
  /** Still-encoded {change-id} segment, when the call addresses a change. */
  readonly changeSegment?: string;
  /** Still-encoded {account-id} segment, when the call addresses an account. */
  readonly accountSegment?: string;
  readonly body?: BodyKind;
  /** Endpoint attributes for the policy (label of a vote delete, view name...). */
  readonly attrs?: Readonly<Record<string, unknown>>;
}

export type Method = EffectiveMethod;

export const read: RestMatch = { action: ACTIONS.read };
export const unknownWrite: RestMatch = { action: ACTIONS.unknownWrite };

/** A view name with a POST `.delete`/`/delete` alias counts as DELETE. */
export function isDeleteAlias(method: Method, view: string | undefined): boolean {
  return method === 'POST' && view === 'delete';
}
