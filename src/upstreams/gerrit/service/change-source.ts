// The open changes of some projects, read from Gerrit with the service account: the desired
// state of the branch-deployment loop (src/deployments). Every answer comes over the network, so
// it is bounded (time and bytes) and parsed field by field; a change we cannot read whole is left
// out and named in the error, never half-used.
//
// Shapes are src/deployments/types.ts's ChangeSnapshot, stated here again (an upstream imports
// nothing above it); TypeScript checks that the two agree where main wires them.

import { gerritHttp, type GerritHttp } from '../gerrit-http.js';
import { parseGerritJson } from '../change-info.js';
import { projectMatcher } from '../../../util/project-glob.js';

export interface ServiceCommit {
  readonly sha: string;
  readonly timestamp: string;
  readonly authorName: string;
  readonly authorEmail: string;
  readonly message: string;
}

export interface ServiceChange {
  readonly number: number;
  readonly id: string;
  readonly project: string;
  readonly branch: string;
  readonly status: 'OPEN' | 'MERGED' | 'CLOSED';
  readonly owner: string;
  readonly reviewers: readonly string[];
  readonly patchset: number;
  readonly ref: string;
  readonly commit: ServiceCommit;
}

export interface ServiceMessage {
  readonly change: number;
  readonly patchset: number;
  readonly tag: string;
  readonly message: string;
  readonly labels?: Readonly<Record<string, number>>;
}

export interface GerritServiceOptions {
  /** Gerrit's own URL (the upstream, not the proxy). */
  readonly url: string;
  readonly username: string;
  /** The service account's HTTP token. Never logged, never in a URL a log could print. */
  readonly token: string;
  readonly timeoutMs?: number;
  /** Largest answer read (a page of 500 changes with commits is a few MiB). */
  readonly maxBytes?: number;
}

/** Options that bring the current patch set, its commit and the reviewers (Gerrit sets `reviewers` with DETAILED_LABELS). */
const OPTIONS = ['CURRENT_REVISION', 'CURRENT_COMMIT', 'DETAILED_ACCOUNTS', 'DETAILED_LABELS'];
const PAGE = 500;
/** More open changes than this in the configured projects is a configuration to look at, not a page loop to run forever. */
const MAX_CHANGES = 10_000;

export class GerritServiceClient {
  readonly #base: string;
  readonly #http: GerritHttp;
  readonly #auth: string;
  readonly #timeoutMs: number;
  readonly #maxBytes: number;

  constructor(options: GerritServiceOptions) {
    this.#base = options.url.replace(/\/+$/, '');
    // The same keep-alive pool kind as the proxy's other requests to Gerrit (gerrit-http.ts).
    this.#http = gerritHttp(this.#base);
    this.#auth = `Basic ${Buffer.from(`${options.username}:${options.token}`).toString('base64')}`;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  }

  /**
   * Every open change of the projects. Exact names are asked for one query each; a pattern with
   * `*` asks for all open changes and keeps the matching ones (Gerrit's `project:^regex` is a
   * different language from the config's globs, and a translation is one more thing to get wrong).
   */
  async openChanges(projects: readonly string[]): Promise<readonly ServiceChange[]> {
    const globs = projects.filter((p) => p.includes('*'));
    const queries = globs.length > 0 ? ['status:open'] : projects.map((p) => `status:open project:${quote(p)}`);
    const matches = projectMatcher(projects);
    const seen = new Map<number, ServiceChange>();
    for (const q of queries) {
      for (const change of await this.#query(q)) if (matches(change.project)) seen.set(change.number, change);
    }
    return [...seen.values()].sort((a, b) => a.number - b.number);
  }

  async change(number: number): Promise<ServiceChange | undefined> {
    const found = await this.#query(`change:${number}`);
    return found.find((c) => c.number === number);
  }

  /** Fetches go straight to Gerrit with the service account: credentials travel in a header (see checkout), not in this URL. */
  fetchUrl(project: string): string {
    return `${this.#base}/a/${project.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** The Authorization header value git needs to fetch (http.extraHeader). */
  fetchAuthorization(): string {
    return this.#auth;
  }

  async post(m: ServiceMessage): Promise<void> {
    const body = JSON.stringify({ message: m.message, tag: m.tag, ...(m.labels === undefined ? {} : { labels: m.labels }) });
    const res = await this.#request(`/a/changes/${m.change}/revisions/${m.patchset}/review`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    if (!res.ok) throw new Error(`Gerrit refused the review on change ${m.change} patch set ${m.patchset}: ${res.status} ${res.text.slice(0, 200)}`);
  }

  async #query(q: string): Promise<ServiceChange[]> {
    const out: ServiceChange[] = [];
    // S advances by what Gerrit returned, not by what we asked for: its Query Limit capability
    // may cap a page below n, and stepping by n would skip the changes between.
    for (let start = 0; start < MAX_CHANGES; ) {
      const params = new URLSearchParams({ q, n: String(PAGE), S: String(start) });
      for (const o of OPTIONS) params.append('o', o);
      const res = await this.#request(`/a/changes/?${params.toString()}`, { method: 'GET' });
      if (!res.ok) throw new Error(`Gerrit answered ${res.status} to the change query "${q}": ${res.text.slice(0, 200)}`);
      const page = parseGerritJson(res.text);
      if (!Array.isArray(page)) throw new Error(`Gerrit's answer to "${q}" is not a list of changes`);
      for (const raw of page) {
        const change = serviceChange(raw);
        if (change !== undefined) out.push(change);
      }
      const last: unknown = page[page.length - 1];
      if (!(isRecord(last) && last['_more_changes'] === true)) return out;
      start += page.length;
    }
    throw new Error(`more than ${MAX_CHANGES} changes match "${q}"; narrow deployments.projects`);
  }

  async #request(path: string, init: { method: 'GET' | 'POST'; body?: string; headers?: Record<string, string> }): Promise<{ ok: boolean; status: number; text: string }> {
    const res = await this.#http.request(path, {
      method: init.method,
      headers: { ...init.headers, authorization: this.#auth, accept: 'application/json' },
      ...(init.body === undefined ? {} : { body: init.body }),
      timeoutMs: this.#timeoutMs,
      maxBytes: this.#maxBytes,
    });
    return { ok: res.status >= 200 && res.status < 300, status: res.status, text: res.text };
  }
}


function quote(project: string): string {
  return /^[A-Za-z0-9._/-]+$/.test(project) ? project : `"${project.replace(/["\\]/g, '')}"`;
}

const CHANGE_KEY = /^I[0-9a-f]{40}$/;
const SHA = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;
const REF = /^refs\/changes\/[0-9]{2}\/[1-9][0-9]*\/[1-9][0-9]*$/;

/** One ChangeInfo with its current revision and commit; undefined for anything not whole. */
export function serviceChange(raw: unknown): ServiceChange | undefined {
  if (!isRecord(raw)) return undefined;
  const number = raw['_number'];
  const id = raw['change_id'];
  const project = raw['project'];
  const branch = raw['branch'];
  const status = raw['status'];
  const current = raw['current_revision'];
  if (!isPositive(number) || typeof id !== 'string' || !CHANGE_KEY.test(id) || !isText(project) || !isText(branch) || typeof current !== 'string' || !SHA.test(current)) return undefined;
  const statusOut = status === 'NEW' ? 'OPEN' : status === 'MERGED' ? 'MERGED' : status === 'ABANDONED' ? 'CLOSED' : undefined;
  if (statusOut === undefined) return undefined;
  const revisions = raw['revisions'];
  const revision = isRecord(revisions) ? revisions[current] : undefined;
  if (!isRecord(revision)) return undefined;
  const patchset = revision['_number'];
  const ref = revision['ref'];
  const commit = revision['commit'];
  if (!isPositive(patchset) || typeof ref !== 'string' || !REF.test(ref) || !isRecord(commit)) return undefined;
  const author = isRecord(commit['author']) ? commit['author'] : {};
  const owner = accountName(raw['owner']);
  if (owner === undefined) return undefined;
  return {
    number,
    id,
    project,
    branch: branch.replace(/^refs\/heads\//, ''),
    status: statusOut,
    owner,
    reviewers: reviewersOf(raw['reviewers']),
    patchset,
    ref,
    commit: {
      sha: current,
      timestamp: typeof author['date'] === 'string' ? author['date'] : '',
      authorName: typeof author['name'] === 'string' ? author['name'] : '',
      authorEmail: typeof author['email'] === 'string' ? author['email'] : '',
      message: typeof commit['message'] === 'string' ? commit['message'] : typeof commit['subject'] === 'string' ? commit['subject'] : '',
    },
  };
}

/** The account's user name (what the identity header carries), else its email. */
function accountName(raw: unknown): string | undefined {
  if (!isRecord(raw)) return undefined;
  if (isText(raw['username'])) return raw['username'];
  if (isText(raw['email'])) return raw['email'];
  return undefined;
}

function reviewersOf(raw: unknown): string[] {
  if (!isRecord(raw) || !Array.isArray(raw['REVIEWER'])) return [];
  const out: string[] = [];
  for (const a of raw['REVIEWER'] as unknown[]) {
    const name = accountName(a);
    if (name !== undefined && out.length < 256) out.push(name);
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && v.length <= 1024;
}

function isPositive(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 && v <= 2 ** 31 - 1;
}
