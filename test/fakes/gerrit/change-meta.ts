// Smaller change endpoints the gate classifies: topic, work-in-progress and vote deletion
// (DELETE, or its POST `.../delete` alias; on the change or a revision; `self` for the caller).

import type { Account, Change, GerritModel } from './model.js';
import { labelType } from './model.js';
import { RestError } from './rest-error.js';

export type MetaResult = { readonly status?: number; readonly body: unknown } | undefined;

interface MetaCall {
  readonly method: string;
  /** Segments after `changes/{id}`. */
  readonly rest: readonly (string | undefined)[];
  readonly user: Account | undefined;
  readonly body: unknown;
}

function needUser(user: Account | undefined): Account {
  if (user === undefined) throw new RestError(403, 'Authentication required');
  return user;
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

export function changeMeta(call: MetaCall, change: Change, model: GerritModel): MetaResult {
  // Vote deletion is also served on a revision (`revisions/{rev}/reviewers/...`); one patch set's
  // votes are the change's votes here.
  const onRevision = call.rest[0] === 'revisions' && call.rest[1] !== undefined && call.rest[2] === 'reviewers';
  const [b, c, d, e, f] = onRevision ? call.rest.slice(2) : call.rest;
  const m = call.method;
  if (b === 'topic' && c === undefined) {
    if (m === 'GET') return { body: change.topic ?? '' };
    needUser(call.user);
    if (m === 'DELETE' || (m === 'PUT' && (field(call.body, 'topic') ?? '') === '')) {
      delete change.topic;
      return { status: 204, body: undefined };
    }
    if (m === 'PUT') {
      change.topic = String(field(call.body, 'topic'));
      return { status: 201, body: change.topic };
    }
  }
  if ((b === 'wip' || b === 'ready') && c === undefined && m === 'POST') {
    const user = needUser(call.user);
    if (user._account_id !== change.owner) throw new RestError(403, 'not permitted: toggle work in progress state');
    change.wip = b === 'wip';
    return { body: undefined, status: 200 };
  }
  // DELETE /changes/{id}/reviewers/{account}/votes/{label}, or POST .../delete
  const isDelete = (m === 'DELETE' && f === undefined) || (m === 'POST' && f === 'delete');
  if (b === 'reviewers' && c !== undefined && d === 'votes' && e !== undefined && isDelete) {
    const caller = needUser(call.user);
    const who = c === 'self' ? caller : model.findAccount(c);
    const label = labelType(e);
    if (who === undefined || label === undefined) throw new RestError(404, `Not found: ${who === undefined ? c : e}`);
    if (change.votes.get(label.name)?.delete(who._account_id) !== true) throw new RestError(404, `Not found: ${e}`);
    change.updated = new Date();
    return { status: 204, body: undefined };
  }
  return undefined;
}
