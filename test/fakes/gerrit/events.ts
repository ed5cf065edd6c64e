// Gerrit's stream events as the webhooks plugin delivers them (POST, application/json, the
// event object itself, X-Origin-Url header, no signature): patchset-created, comment-added,
// change-merged, change-abandoned, change-restored. Shapes follow Documentation/json.txt.

import { request } from 'node:http';
import type { Account, Change, GerritModel, PatchSet } from './model.js';

export type GerritEventType = 'patchset-created' | 'comment-added' | 'change-merged' | 'change-abandoned' | 'change-restored';

export interface GerritEvent {
  readonly type: GerritEventType;
  readonly eventCreatedOn: number;
  readonly project: string;
  readonly refName: string;
  readonly changeKey: { readonly key: string };
  readonly change: Record<string, unknown>;
  readonly patchSet: Record<string, unknown>;
  readonly [extra: string]: unknown;
}

function accountAttr(a: Account | undefined): Record<string, unknown> {
  return a === undefined ? {} : { name: a.name, email: a.email, username: a.username };
}

function patchSetAttr(ps: PatchSet, model: GerritModel): Record<string, unknown> {
  return {
    number: ps.number,
    revision: ps.sha,
    parents: ps.parents,
    ref: ps.ref,
    uploader: accountAttr(model.accounts.get(ps.uploader)),
    createdOn: Math.floor(ps.created.getTime() / 1000),
    kind: ps.number === 1 ? 'REWORK' : 'TRIVIAL_REBASE',
  };
}

export function changeEvent(type: GerritEventType, change: Change, model: GerritModel, webUrl: string, extra: Record<string, unknown> = {}): GerritEvent {
  const current = model.current(change);
  return {
    type,
    ...extra,
    eventCreatedOn: Math.floor(Date.now() / 1000),
    project: change.project,
    refName: `refs/heads/${change.branch}`,
    changeKey: { key: change.changeId },
    change: {
      project: change.project,
      branch: change.branch,
      ...(change.topic === undefined ? {} : { topic: change.topic }),
      id: change.changeId,
      number: change.number,
      subject: current.subject,
      owner: accountAttr(model.accounts.get(change.owner)),
      url: `${webUrl}/c/${change.project}/+/${change.number}`,
      commitMessage: current.message,
      createdOn: Math.floor(change.created.getTime() / 1000),
      status: change.status,
      wip: change.wip,
      private: change.isPrivate,
    },
    patchSet: patchSetAttr(current, model),
  };
}

export function accountEventAttr(model: GerritModel, id: number): Record<string, unknown> {
  return accountAttr(model.accounts.get(id));
}

/** Delivers one event like the webhooks plugin; failures are recorded, never thrown. */
export function deliver(url: string, event: GerritEvent, origin: string, onResult: (status: number | Error) => void): void {
  const body = JSON.stringify(event);
  const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-origin-url': origin }, timeout: 5000 }, (res) => {
    res.resume();
    onResult(res.statusCode ?? 0);
  });
  req.on('timeout', () => req.destroy(new Error('webhook timed out')));
  req.on('error', (e) => onResult(e));
  req.end(body);
}
