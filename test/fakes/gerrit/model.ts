// The stand-in's state: accounts, changes, patch sets and votes. Plain data with a few
// mutations that keep Gerrit's invariants (numbers are server-wide, patch sets count from 1, only
// NEW changes take votes, submit or abandon). Rendering to Gerrit's JSON is in json.ts.

import { DEV_USERS } from '../../../src/identity/dev-users.js';
import type { GerritEventType } from './events.js';

import type { GitPerson } from './repos.js';

export type ChangeStatus = 'NEW' | 'MERGED' | 'ABANDONED';

export interface Account {
  readonly _account_id: number;
  readonly name: string;
  readonly email: string;
  readonly username: string;
  readonly registeredOn: Date;
}

export interface PatchSet {
  readonly number: number;
  readonly sha: string;
  readonly ref: string;
  readonly uploader: number;
  readonly created: Date;
  readonly subject: string;
  readonly message: string;
  readonly parents: readonly string[];
  /** From the pushed commit; absent for patch sets a test made up. */
  readonly author?: GitPerson;
  readonly committer?: GitPerson;
}

export interface Vote {
  readonly value: number;
  readonly date: Date;
}

export interface Change {
  readonly number: number;
  readonly changeId: string;
  readonly project: string;
  /** Short branch name, as ChangeInfo.branch carries it. */
  readonly branch: string;
  readonly owner: number;
  readonly created: Date;
  updated: Date;
  status: ChangeStatus;
  topic?: string;
  hashtags: string[];
  wip: boolean;
  isPrivate: boolean;
  readonly reviewers: Set<number>;
  readonly patchSets: PatchSet[];
  /** label -> account id -> vote */
  readonly votes: Map<string, Map<number, Vote>>;
  submitter?: number;
  submitted?: Date;
  readonly messages: { readonly author: number; readonly date: Date; readonly message: string }[];
}

export interface LabelType {
  readonly name: string;
  readonly values: readonly number[];
  readonly descriptions: Readonly<Record<string, string>>;
}

/** Gerrit's defaults for new sites (Code-Review) plus the Verified label most CI setups add. */
export const LABELS: readonly LabelType[] = [
  {
    name: 'Code-Review',
    values: [-2, -1, 0, 1, 2],
    descriptions: {
      '-2': 'This shall not be submitted',
      '-1': 'I would prefer this is not submitted as is',
      ' 0': 'No score',
      '+1': 'Looks good to me, but someone else must approve',
      '+2': 'Looks good to me, approved',
    },
  },
  { name: 'Verified', values: [-1, 0, 1], descriptions: { '-1': 'Fails', ' 0': 'No score', '+1': 'Verified' } },
];

export function labelType(name: string): LabelType | undefined {
  return LABELS.find((l) => l.name.toLowerCase() === name.toLowerCase());
}

export class GerritModel {
  readonly accounts = new Map<number, Account>();
  readonly changes = new Map<number, Change>();
  readonly projects = new Set<string>(['All-Projects', 'All-Users']);
  /** Set by the server: turns what happened to a change into a Gerrit event (webhooks). */
  notify: (type: GerritEventType, change: Change, extra?: Record<string, unknown>) => void = () => undefined;
  #nextAccount = 1000000;
  #nextChange = 1;

  /** Gerrit (auth.type=HTTP) creates the account the first time a user name arrives. */
  account(username: string): Account {
    for (const a of this.accounts.values()) if (a.username === username) return a;
    const dev = DEV_USERS.find((u) => u.username === username);
    const account: Account = {
      _account_id: this.#nextAccount++,
      name: dev?.name ?? username,
      email: dev?.email ?? `${username}@example.test`,
      username,
      registeredOn: new Date(),
    };
    this.accounts.set(account._account_id, account);
    return account;
  }

  findAccount(idOrName: string): Account | undefined {
    for (const a of this.accounts.values()) {
      if (String(a._account_id) === idOrName || a.username === idOrName || a.email === idOrName) return a;
    }
    return undefined;
  }

  createChange(input: { project: string; branch: string; changeId: string; owner: number; patchSet: Omit<PatchSet, 'number' | 'ref'> }): Change {
    const number = this.#nextChange++;
    const now = new Date();
    const change: Change = {
      number,
      changeId: input.changeId,
      project: input.project,
      branch: input.branch,
      owner: input.owner,
      created: now,
      updated: now,
      status: 'NEW',
      hashtags: [],
      wip: false,
      isPrivate: false,
      reviewers: new Set(),
      patchSets: [],
      votes: new Map(),
      messages: [],
    };
    this.changes.set(number, change);
    this.addPatchSet(change, input.patchSet);
    return change;
  }

  addPatchSet(change: Change, ps: Omit<PatchSet, 'number' | 'ref'>): PatchSet {
    const number = change.patchSets.length + 1;
    const patchSet: PatchSet = { ...ps, number, ref: changeRef(change.number, number) };
    change.patchSets.push(patchSet);
    change.updated = ps.created;
    change.messages.push({ author: ps.uploader, date: ps.created, message: `Uploaded patch set ${number}.` });
    return patchSet;
  }

  /** The change a {change-id} names, in every form Gerrit accepts. */
  resolve(id: string): Change | undefined {
    const all = [...this.changes.values()];
    const tilde = id.lastIndexOf('~');
    if (tilde >= 0) {
      const head = id.slice(0, tilde);
      const tail = id.slice(tilde + 1);
      if (/^\d+$/.test(tail)) return all.find((c) => c.project === head && c.number === Number(tail));
      const mid = head.lastIndexOf('~');
      if (mid < 0) return undefined;
      const project = head.slice(0, mid);
      const branch = head.slice(mid + 1).replace(/^refs\/heads\//, '');
      return all.find((c) => c.project === project && c.branch === branch && c.changeId === tail);
    }
    if (/^\d+$/.test(id)) return this.changes.get(Number(id));
    if (/^I[0-9a-f]{4,40}$/.test(id)) return all.find((c) => c.changeId.startsWith(id));
    if (/^[0-9a-f]{7,40}$/.test(id)) return all.find((c) => c.patchSets.some((p) => p.sha.startsWith(id)));
    return undefined;
  }

  current(change: Change): PatchSet {
    const ps = change.patchSets[change.patchSets.length - 1];
    if (ps === undefined) throw new Error(`change ${change.number} has no patch set`);
    return ps;
  }

  vote(change: Change, account: number, label: string, value: number): void {
    const votes = change.votes.get(label) ?? new Map<number, Vote>();
    votes.set(account, { value, date: new Date() });
    change.votes.set(label, votes);
    change.reviewers.add(account);
    change.updated = new Date();
  }

  /** Why the change cannot be submitted, or undefined when it can (Gerrit's default requirement). */
  unsubmittable(change: Change): string | undefined {
    if (change.status !== 'NEW') return `change is ${change.status.toLowerCase()}`;
    const cr = [...(change.votes.get('Code-Review')?.values() ?? [])].map((v) => v.value);
    if (cr.includes(-2)) return 'submit requirement Code-Review is unsatisfied (vetoed)';
    if (!cr.includes(2)) return 'submit requirement Code-Review is unsatisfied';
    const verified = [...(change.votes.get('Verified')?.values() ?? [])].map((v) => v.value);
    if (verified.includes(-1)) return 'submit requirement Verified is unsatisfied';
    return undefined;
  }
}

/** refs/changes/<last two digits>/<number>/<patch set> */
export function changeRef(number: number, patchSet: number): string {
  return `refs/changes/${String(number % 100).padStart(2, '0')}/${number}/${patchSet}`;
}

/** Gerrit's timestamp format: UTC, nanosecond precision, space separated. */
export function gerritTime(d: Date): string {
  return `${d.toISOString().replace('T', ' ').replace('Z', '').replace(/\.(\d{3})$/, '.$1000000')}`;
}
