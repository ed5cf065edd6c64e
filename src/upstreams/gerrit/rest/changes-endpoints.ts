// /changes/... : every state-changing endpoint of the changes REST API, by effective method
// and path. Anything not listed that writes is an unknown write.

import { ACTIONS, read, unknownWrite, type Method, type RestMatch, type RestAction } from './match.js';

/** POST views on a change that make a new change or patch set. */
const CREATE_VIEWS = new Set(['revert', 'revert_submission', 'merge', 'patch:apply', 'edit:publish']);

/** Views on a change that change its state or metadata, with the methods that write. */
const UPDATE_VIEWS: Readonly<Record<string, readonly Method[]>> = {
  abandon: ['POST'],
  restore: ['POST'],
  rebase: ['POST'],
  'rebase:chain': ['POST'],
  move: ['POST'],
  wip: ['POST'],
  ready: ['POST'],
  private: ['POST', 'DELETE'],
  'private.delete': ['POST'],
  topic: ['PUT', 'DELETE'],
  hashtags: ['POST'],
  custom_keyed_values: ['POST'],
  message: ['PUT'],
  reviewers: ['POST'],
  attention: ['POST'],
  'edit:message': ['PUT'],
  'edit:identity': ['PUT'],
  'edit:rebase': ['POST'],
  index: ['POST'],
  check: ['POST'],
};

/** Dry runs: POST but change nothing. */
const DRY_RUN_VIEWS = new Set(['check.submit_requirement']);
const REVISION_DRY_RUNS = new Set(['test.submit_rule', 'test.submit_type', 'fix:preview']);

export function matchChanges(method: Method, rest: readonly string[]): RestMatch {
  if (rest.length === 0) return method === 'GET' ? read : method === 'POST' ? { action: ACTIONS.create } : unknownWrite;
  const changeSegment = rest[0] ?? '';
  const on = (action: RestAction, extra: Partial<RestMatch> = {}): RestMatch => ({ action, changeSegment, ...extra });
  if (method === 'GET') return on(ACTIONS.read);
  const view = rest.slice(1);
  const [v0, v1, v2, v3] = view;
  if (v0 === undefined) return method === 'DELETE' ? on(ACTIONS.update, { attrs: { view: 'delete' } }) : unknownWrite;
  if (v0 === 'revisions' && v1 !== undefined) return matchRevision(method, view.slice(2), on);
  if (v0 === 'submit' && view.length === 1) return method === 'POST' ? on(ACTIONS.submit, { body: 'submit' }) : unknownWrite;
  if (v0 === 'reviewers' && v1 !== undefined && v2 === 'votes' && v3 !== undefined) {
    return voteDelete(method, view.slice(4), changeSegment, v1, v3) ?? unknownWrite;
  }
  if (view.length === 1) {
    if (CREATE_VIEWS.has(v0)) return method === 'POST' ? on(ACTIONS.create, { attrs: { view: v0 } }) : unknownWrite;
    if (DRY_RUN_VIEWS.has(v0)) return method === 'POST' ? on(ACTIONS.read) : unknownWrite;
    const methods = UPDATE_VIEWS[v0];
    if (methods !== undefined) return methods.includes(method) ? on(ACTIONS.update, { attrs: { view: v0 } }) : unknownWrite;
    if (v0 === 'edit') return method === 'POST' || method === 'DELETE' ? on(ACTIONS.update, { attrs: { view: 'edit' } }) : unknownWrite;
  }
  // One addressed item below a collection: DELETE it, or POST .../delete.
  if ((v0 === 'reviewers' || v0 === 'attention' || v0 === 'messages') && v1 !== undefined) {
    const del = (view.length === 2 && method === 'DELETE') || (view.length === 3 && method === 'POST' && v2 === 'delete');
    return del ? on(ACTIONS.update, { attrs: { view: v0 } }) : unknownWrite;
  }
  if (v0 === 'edit' && v1 !== undefined) return method === 'PUT' || method === 'DELETE' ? on(ACTIONS.update, { attrs: { view: 'edit' } }) : unknownWrite;
  return unknownWrite;
}

function matchRevision(method: Method, view: readonly string[], on: (a: RestAction, e?: Partial<RestMatch>) => RestMatch): RestMatch {
  const [v0, v1, v2, v3] = view;
  if (v0 === undefined) return unknownWrite;
  const only = view.length === 1;
  if (only && v0 === 'submit') return method === 'POST' ? on(ACTIONS.submit, { body: 'submit' }) : unknownWrite;
  if (only && v0 === 'review') return method === 'POST' ? on(ACTIONS.review, { body: 'review' }) : unknownWrite;
  if (only && (v0 === 'cherrypick' || v0 === 'fix:apply')) return method === 'POST' ? on(ACTIONS.create, { attrs: { view: v0 } }) : unknownWrite;
  if (only && REVISION_DRY_RUNS.has(v0)) return method === 'POST' ? on(ACTIONS.read) : unknownWrite;
  if (only && v0 === 'rebase') return method === 'POST' ? on(ACTIONS.update, { attrs: { view: v0 } }) : unknownWrite;
  if (only && v0 === 'description') return method === 'PUT' ? on(ACTIONS.update, { attrs: { view: v0 } }) : unknownWrite;
  if (v0 === 'fixes' && v1 !== undefined && v2 === 'apply' && view.length === 3) return method === 'POST' ? on(ACTIONS.create, { attrs: { view: 'fixes/apply' } }) : unknownWrite;
  if (v0 === 'reviewers' && v1 !== undefined && v2 === 'votes' && v3 !== undefined) {
    const m = on(ACTIONS.read);
    return voteDelete(method, view.slice(4), m.changeSegment ?? '', v1, v3) ?? unknownWrite;
  }
  if (v0 === 'drafts') {
    if (only) return method === 'PUT' || method === 'POST' ? on(ACTIONS.update, { attrs: { view: 'drafts' } }) : unknownWrite;
    const del = view.length === 3 && v2 === 'delete' && method === 'POST';
    if (view.length === 2 && (method === 'PUT' || method === 'DELETE')) return on(ACTIONS.update, { attrs: { view: 'drafts' } });
    return del ? on(ACTIONS.update, { attrs: { view: 'drafts' } }) : unknownWrite;
  }
  if (v0 === 'files' && v1 !== undefined && v2 === 'reviewed' && view.length === 3) {
    return method === 'PUT' || method === 'DELETE' ? on(ACTIONS.update, { attrs: { view: 'reviewed' } }) : unknownWrite;
  }
  if (v0 === 'comments' && v1 !== undefined && v2 === 'delete' && view.length === 3) return method === 'POST' ? on(ACTIONS.update, { attrs: { view: 'comment.delete' } }) : unknownWrite;
  return unknownWrite;
}

function voteDelete(method: Method, tail: readonly string[], changeSegment: string, account: string, label: string): RestMatch | undefined {
  const del = (tail.length === 0 && method === 'DELETE') || (tail.length === 1 && tail[0] === 'delete' && method === 'POST');
  if (!del) return undefined;
  return { action: ACTIONS.voteDelete, changeSegment, accountSegment: account, attrs: { label: safeDecode(label) } };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
