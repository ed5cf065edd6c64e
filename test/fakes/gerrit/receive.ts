// What Gerrit does with a push to refs/for/<branch>: every new commit becomes a change (or a new
// patch set of the open change with the same Change-Id on that branch), stored at
// refs/changes/NN/N/P, and the pusher is told on the sideband where to find it. `%` options
// and `-o` push options are one list, as in Gerrit's MagicBranch.

import { accountEventAttr } from './events.js';
import { labelType, type GerritModel, type Change } from './model.js';
import type { Repos } from './repos.js';

export interface PushCommand {
  readonly oldOid: string;
  readonly newOid: string;
  readonly ref: string;
}

export interface ReceiveRequest {
  readonly project: string;
  readonly user: string;
  readonly requestId: string;
  readonly commands: readonly PushCommand[];
  /** `-o` push options, as git sent them. */
  readonly options: readonly string[];
}

export interface CommandResult {
  readonly ref: string;
  readonly ok: boolean;
  readonly reason?: string;
}

export interface PushRecord extends ReceiveRequest {
  /** `%` options and `-o` options together, in that order. */
  readonly allOptions: readonly string[];
  readonly changes: readonly number[];
  readonly results: readonly CommandResult[];
}

export interface ReceiveAnswer {
  readonly messages: readonly string[];
  readonly results: readonly CommandResult[];
}

interface Deps {
  readonly model: GerritModel;
  readonly repos: Repos;
  readonly webUrl: string;
}

const ZERO = /^0+$/;
const CHANGE_ID = /^Change-Id:\s*(I[0-9a-f]{40})\s*$/gm;

class Rejected extends Error {}

export async function receive(request: ReceiveRequest, deps: Deps): Promise<{ answer: ReceiveAnswer; record: PushRecord }> {
  const messages: string[] = [];
  const results: CommandResult[] = [];
  const changes: number[] = [];
  const allOptions: string[] = [];
  for (const command of request.commands) {
    const rest = command.ref.slice('refs/for/'.length);
    const pct = rest.indexOf('%');
    const options = [...(pct < 0 ? [] : rest.slice(pct + 1).split(',').filter((o) => o !== '')), ...request.options];
    allOptions.push(...options);
    try {
      const done = await magicPush(request, command, pct < 0 ? rest : rest.slice(0, pct), options, deps);
      changes.push(...done.map((d) => d.change.number));
      messages.push(`Processing changes: refs: 1, ${summary(done)}, done`, '', 'SUCCESS', '');
      for (const d of done) messages.push(`  ${deps.webUrl}/c/${d.change.project}/+/${d.change.number} ${deps.model.current(d.change).subject}${tag(d)}`);
      messages.push('');
      results.push({ ref: command.ref, ok: true });
    } catch (e) {
      if (!(e instanceof Rejected)) throw e;
      messages.push(`error: ${e.message}`);
      results.push({ ref: command.ref, ok: false, reason: e.message });
    }
  }
  return { answer: { messages, results }, record: { ...request, allOptions, changes, results } };
}

interface Done {
  readonly change: Change;
  readonly created: boolean;
}

function summary(done: readonly Done[]): string {
  const created = done.filter((d) => d.created).length;
  const updated = done.length - created;
  return [created > 0 ? `new: ${created}` : '', updated > 0 ? `updated: ${updated}` : ''].filter((s) => s !== '').join(', ');
}

function tag(d: Done): string {
  const c = d.change;
  if (c.status === 'MERGED') return ' [MERGED]';
  if (c.wip) return ' [WIP]';
  if (c.isPrivate) return ' [PRIVATE]';
  return d.created ? ' [NEW]' : '';
}

async function magicPush(request: ReceiveRequest, command: PushCommand, dest: string, options: readonly string[], deps: Deps): Promise<Done[]> {
  const { model, repos } = deps;
  if (request.user === '') throw new Rejected('not authorized to push: sign in first');
  if (ZERO.test(command.newOid)) throw new Rejected('magic refs cannot be deleted');
  const destRef = dest.startsWith('refs/') ? dest : `refs/heads/${dest}`;
  const branch = destRef.replace(/^refs\/heads\//, '');
  if ((await repos.tip(request.project, destRef)) === undefined) throw new Rejected(`branch ${branch} not found`);
  const shas = await repos.newCommits(request.project, command.newOid);
  if (shas.length === 0) throw new Rejected('no new changes');
  const commits = await Promise.all(shas.map((s) => repos.commit(request.project, s)));
  const ids = commits.map((c) => {
    const found = [...c.message.matchAll(CHANGE_ID)].map((m) => m[1] ?? '');
    if (found.length === 0) throw new Rejected(`commit ${c.sha.slice(0, 7)}: missing Change-Id in message footer`);
    if (found.length > 1) throw new Rejected(`commit ${c.sha.slice(0, 7)}: multiple Change-Id lines in message footer`);
    return found[0] ?? '';
  });
  const owner = model.account(request.user);
  const done: Done[] = [];
  for (const [i, commit] of commits.entries()) {
    const changeId = ids[i] ?? '';
    const ps = { sha: commit.sha, uploader: owner._account_id, created: new Date(), subject: commit.subject, message: commit.message, parents: commit.parents, ...(commit.author === undefined ? {} : { author: commit.author }), ...(commit.committer === undefined ? {} : { committer: commit.committer }) };
    const open = [...model.changes.values()].find((c) => c.project === request.project && c.branch === branch && c.changeId === changeId && c.status === 'NEW');
    const change = open ?? model.createChange({ project: request.project, branch, changeId, owner: owner._account_id, patchSet: ps });
    if (open !== undefined) model.addPatchSet(open, ps);
    await repos.updateRef(request.project, model.current(change).ref, commit.sha);
    applyOptions(change, options, owner._account_id, model);
    model.notify('patchset-created', change, { uploader: accountEventAttr(model, owner._account_id) });
    done.push({ change, created: open === undefined });
  }
  const last = done[done.length - 1]?.change;
  if (last !== undefined && options.includes('submit')) {
    // %submit: "neither labels nor submit rules are checked".
    const merged = await repos.mergeInto(request.project, destRef, model.current(last).sha, `Merge "${model.current(last).subject}"`);
    if (merged === undefined) throw new Rejected('submit: merge conflict');
    for (const d of done) {
      markMerged(d.change, owner._account_id);
      model.notify('change-merged', d.change, { submitter: accountEventAttr(model, owner._account_id), newRev: merged });
    }
  }
  return done;
}

export function markMerged(change: Change, submitter: number): void {
  change.status = 'MERGED';
  change.submitter = submitter;
  change.submitted = new Date();
  change.updated = change.submitted;
}

function applyOptions(change: Change, options: readonly string[], uploader: number, model: GerritModel): void {
  for (const option of options) {
    const eq = option.indexOf('=');
    const key = (eq < 0 ? option : option.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? '' : option.slice(eq + 1);
    switch (key) {
      case 'topic':
        change.topic = value;
        break;
      case 't':
      case 'hashtag':
        if (!change.hashtags.includes(value)) change.hashtags.push(value);
        break;
      case 'wip':
      case 'work-in-progress':
        change.wip = true;
        break;
      case 'ready':
        change.wip = false;
        break;
      case 'private':
        change.isPrivate = true;
        break;
      case 'remove-private':
        change.isPrivate = false;
        break;
      case 'r':
      case 'reviewer':
      case 'cc': {
        const who = model.findAccount(value) ?? model.findAccount(value.split('@')[0] ?? '');
        if (who !== undefined) change.reviewers.add(who._account_id);
        break;
      }
      case 'l':
      case 'label': {
        const m = /^([A-Za-z0-9-]+?)(?:([+-]\d+)|=([+-]?\d+))?$/.exec(value);
        const label = m === null ? undefined : labelType(m[1] ?? '');
        if (m !== null && label !== undefined) {
          const v = Number(m[2] ?? m[3] ?? Math.max(...label.values));
          if (label.values.includes(v)) model.vote(change, uploader, label.name, v);
        }
        break;
      }
      default:
        break;
    }
  }
}
