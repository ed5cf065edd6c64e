// Gerrit's JSON shapes (ChangeInfo, AccountInfo, LabelInfo, RevisionInfo), rendered from the model
// according to the `o=` options of the request, the way Gerrit's ChangeJson does: accounts are
// bare `_account_id` unless DETAILED_ACCOUNTS, labels only with LABELS / DETAILED_LABELS,
// revisions only with CURRENT_REVISION / ALL_REVISIONS.

import { gerritTime, LABELS, type Account, type Change, type GerritModel, type LabelType, type PatchSet } from './model.js';

export type ListOption = 'LABELS' | 'DETAILED_LABELS' | 'CURRENT_REVISION' | 'ALL_REVISIONS' | 'DETAILED_ACCOUNTS' | 'CURRENT_COMMIT' | 'ALL_COMMITS' | 'MESSAGES' | 'SUBMITTABLE';

export interface RenderContext {
  readonly model: GerritModel;
  readonly options: ReadonlySet<string>;
  /** Base URL for fetch info, e.g. http://127.0.0.1:8081 */
  readonly webUrl: string;
}

export function accountJson(account: Account | undefined, detailed: boolean): Record<string, unknown> {
  if (account === undefined) return {};
  if (!detailed) return { _account_id: account._account_id };
  return { _account_id: account._account_id, name: account.name, email: account.email, username: account.username };
}

export function accountDetailJson(account: Account): Record<string, unknown> {
  return { ...accountJson(account, true), display_name: account.name, registered_on: gerritTime(account.registeredOn) };
}

export function changeJson(change: Change, ctx: RenderContext): Record<string, unknown> {
  const o = ctx.options;
  const detailedAccounts = o.has('DETAILED_ACCOUNTS') || o.has('DETAILED_LABELS');
  const acct = (id: number | undefined): Record<string, unknown> => accountJson(id === undefined ? undefined : ctx.model.accounts.get(id), detailedAccounts);
  const project = encodeURIComponent(change.project);
  const current = ctx.model.current(change);
  const out: Record<string, unknown> = {
    id: `${project}~${change.number}`,
    triplet_id: `${project}~${encodeURIComponent(change.branch)}~${change.changeId}`,
    project: change.project,
    branch: change.branch,
    ...(change.topic === undefined ? {} : { topic: change.topic }),
    hashtags: [...change.hashtags],
    change_id: change.changeId,
    subject: current.subject,
    status: change.status,
    created: gerritTime(change.created),
    updated: gerritTime(change.updated),
    ...(change.submitted === undefined ? {} : { submitted: gerritTime(change.submitted), submitter: acct(change.submitter) }),
    submit_type: 'MERGE_IF_NECESSARY',
    ...(change.status === 'NEW' ? { mergeable: true } : {}),
    insertions: 0,
    deletions: 0,
    total_comment_count: 0,
    unresolved_comment_count: 0,
    has_review_started: !change.wip,
    ...(change.wip ? { work_in_progress: true } : {}),
    ...(change.isPrivate ? { is_private: true } : {}),
    meta_rev_id: current.sha,
    _number: change.number,
    virtual_id_number: change.number,
    owner: acct(change.owner),
    current_revision_number: current.number,
  };
  if (o.has('LABELS') || o.has('DETAILED_LABELS')) out['labels'] = labelsJson(change, ctx, o.has('DETAILED_LABELS'), detailedAccounts);
  // Gerrit fills `reviewers` (state -> accounts) only with detailed labels.
  if (o.has('DETAILED_LABELS')) out['reviewers'] = { REVIEWER: [...change.reviewers].map((id) => acct(id)) };
  if (o.has('SUBMITTABLE')) out['submittable'] = ctx.model.unsubmittable(change) === undefined;
  if (o.has('MESSAGES')) {
    out['messages'] = change.messages.map((m, i) => ({ id: `m${change.number}-${i}`, author: acct(m.author), date: gerritTime(m.date), message: m.message, ...(m.tag === undefined ? {} : { tag: m.tag }) }));
  }
  const allRevisions = o.has('ALL_REVISIONS');
  if (allRevisions || o.has('CURRENT_REVISION')) {
    out['current_revision'] = current.sha;
    const shown = allRevisions ? change.patchSets : [current];
    const withCommit = o.has('ALL_COMMITS') || o.has('CURRENT_COMMIT');
    out['revisions'] = Object.fromEntries(shown.map((ps) => [ps.sha, revisionJson(change, ps, ctx, acct, withCommit && (o.has('ALL_COMMITS') || ps === current))]));
  }
  return out;
}

function revisionJson(change: Change, ps: PatchSet, ctx: RenderContext, acct: (id: number) => Record<string, unknown>, withCommit: boolean): Record<string, unknown> {
  const url = `${ctx.webUrl}/${change.project}`;
  return {
    kind: ps.number === 1 ? 'REWORK' : 'TRIVIAL_REBASE',
    _number: ps.number,
    created: gerritTime(ps.created),
    uploader: acct(ps.uploader),
    ref: ps.ref,
    fetch: {
      'anonymous http': { url, ref: ps.ref },
      http: { url: `${ctx.webUrl}/a/${change.project}`, ref: ps.ref },
    },
    ...(withCommit ? { commit: { parents: ps.parents.map((p) => ({ commit: p })), ...(ps.author === undefined ? {} : { author: ps.author }), ...(ps.committer === undefined ? {} : { committer: ps.committer }), subject: ps.subject, message: ps.message } } : {}),
  };
}

function labelsJson(change: Change, ctx: RenderContext, detailed: boolean, detailedAccounts: boolean): Record<string, unknown> {
  return Object.fromEntries(LABELS.map((label) => [label.name, labelJson(change, label, ctx, detailed, detailedAccounts)]));
}

function labelJson(change: Change, label: LabelType, ctx: RenderContext, detailed: boolean, detailedAccounts: boolean): Record<string, unknown> {
  const votes = [...(change.votes.get(label.name) ?? new Map()).entries()];
  const max = Math.max(...label.values);
  const min = Math.min(...label.values);
  const account = (id: number): Record<string, unknown> => accountJson(ctx.model.accounts.get(id), detailedAccounts);
  const out: Record<string, unknown> = {};
  const first = (pred: (v: number) => boolean): [number, { value: number }] | undefined => votes.find(([, v]) => pred(v.value));
  const rejected = first((v) => v === min);
  const approved = first((v) => v === max);
  const disliked = first((v) => v < 0 && v !== min);
  const recommended = first((v) => v > 0 && v !== max);
  if (rejected !== undefined) {
    out['rejected'] = account(rejected[0]);
    out['blocking'] = label.name === 'Code-Review';
  } else if (approved !== undefined) out['approved'] = account(approved[0]);
  else if (disliked !== undefined) {
    out['disliked'] = account(disliked[0]);
    out['value'] = disliked[1].value;
  } else if (recommended !== undefined) {
    out['recommended'] = account(recommended[0]);
    out['value'] = recommended[1].value;
  }
  if (detailed) {
    const reviewers = new Set<number>([...change.reviewers, ...votes.map(([id]) => id)]);
    out['all'] = [...reviewers].map((id) => {
      const v = change.votes.get(label.name)?.get(id);
      return { ...accountJson(ctx.model.accounts.get(id), true), value: v?.value ?? 0, ...(v === undefined ? {} : { date: gerritTime(v.date) }), permitted_voting_range: { min, max } };
    });
    out['values'] = label.descriptions;
  }
  out['default_value'] = 0;
  return out;
}
