// Gerrit's REST API, the part Changegate and git-review use. Answers carry the `)]}'` XSSI prefix
// and Gerrit's JSON shapes; errors are text/plain as in Gerrit. The caller is the user from the
// identity header under /a/, and anonymous without /a/ (no session cookie is ever honoured).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { accountEventAttr } from './events.js';
import { accountDetailJson, accountJson, changeJson, type RenderContext } from './json.js';
import { labelType, type Account, type Change, type GerritModel } from './model.js';
import { changeMeta } from './change-meta.js';
import { parseQuery, QueryError } from './query.js';
import { RestError } from './rest-error.js';
import { markMerged } from './receive.js';
import { validProject, type Repos } from './repos.js';

export const XSSI_PREFIX = ")]}'\n";
export const GERRIT_VERSION = '3.13.2';

export interface RestDeps {
  readonly model: GerritModel;
  readonly repos: Repos;
  readonly webUrl: string;
  /** Projects only some users may read (FakeGerritOptions.readAccess). */
  readonly readAccess: Readonly<Record<string, readonly string[]>>;
  /** FakeGerritOptions.queryLimit. */
  readonly queryLimit: number;
}

export interface RestCall {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** Segments after /a/, percent-decoded (so `external%2Fbison` is one segment). */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly user: Account | undefined;
  readonly body: unknown;
}


export function sendJson(res: ServerResponse, status: number, value: unknown, req: IncomingMessage): void {
  // Gerrit pretty-prints unless the client asked for JSON (or pp=0).
  const compact = (req.headers.accept ?? '').includes('application/json');
  const text = XSSI_PREFIX + JSON.stringify(value, null, compact ? undefined : 2) + '\n';
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-disposition': 'attachment', 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text.endsWith('\n') ? text : `${text}\n`);
}

export async function handleRest(call: RestCall, deps: RestDeps): Promise<void> {
  try {
    const result = await route(call, deps);
    if (result === undefined) sendText(call.res, 404, 'Not found');
    else if (result.status === 204) call.res.writeHead(204).end();
    else if (result.body === undefined) sendText(call.res, result.status ?? 200, '');
    else sendJson(call.res, result.status ?? 200, result.body, call.req);
  } catch (e) {
    if (e instanceof RestError) sendText(call.res, e.status, e.message);
    else if (e instanceof QueryError) sendText(call.res, 400, e.message);
    else throw e;
  }
}

type Result = { readonly status?: number; readonly body: unknown } | undefined;

function needUser(call: RestCall): Account {
  if (call.user === undefined) throw new RestError(403, 'Authentication required');
  return call.user;
}

function renderCtx(call: RestCall, deps: RestDeps): RenderContext {
  return { model: deps.model, options: new Set(call.query.getAll('o').concat(call.query.getAll('O'))), webUrl: deps.webUrl };
}

async function route(call: RestCall, deps: RestDeps): Promise<Result> {
  const [root, a, b, c, d, e] = call.segments;
  const m = call.method;
  if (root === 'config' && a === 'server' && b === 'version' && m === 'GET') return { body: GERRIT_VERSION };
  if (root === 'accounts' && a !== undefined && m === 'GET') return accounts(call, deps, a, b);
  if (root === 'projects') return projects(call, deps, a, b, c);
  if (root !== 'changes') return undefined;
  if (a === undefined || a === '') return m === 'GET' ? queryChanges(call, deps) : undefined;
  const change = deps.model.resolve(a);
  // A change the caller may not see does not exist for them (ChangesCollection.parse).
  if (change === undefined || !visible(change, call.user, deps)) throw new RestError(404, `Not found: ${a}`);
  const ctx = renderCtx(call, deps);
  if (b === undefined && m === 'GET') return { body: changeJson(change, ctx) };
  if (b === 'detail' && c === undefined && m === 'GET') {
    return { body: changeJson(change, { ...ctx, options: new Set([...ctx.options, 'LABELS', 'DETAILED_LABELS', 'DETAILED_ACCOUNTS', 'MESSAGES']) }) };
  }
  const meta = changeMeta({ method: m, rest: call.segments.slice(2), user: call.user, body: call.body }, change, deps.model);
  if (meta !== undefined) return meta;
  if (m !== 'POST') return undefined;
  const user = needUser(call);
  if (b === 'submit' && c === undefined) return submit(change, user, deps, ctx);
  if (b === 'abandon' && c === undefined) return lifecycle(change, user, 'ABANDONED', ctx, call.body);
  if (b === 'restore' && c === undefined) return lifecycle(change, user, 'NEW', ctx, call.body);
  if (b === 'revisions' && c !== undefined && e === undefined) {
    revision(change, c, deps.model);
    if (d === 'review') return review(change, user, call.body, deps.model);
    if (d === 'submit') return submit(change, user, deps, ctx);
  }
  return undefined;
}

function accounts(call: RestCall, deps: RestDeps, id: string, sub: string | undefined): Result {
  const who = id === 'self' ? needUser(call) : deps.model.findAccount(id);
  if (who === undefined) throw new RestError(404, `Account '${id}' not found`);
  if (sub === undefined) return { body: accountJson(who, true) };
  if (sub === 'detail') return { body: accountDetailJson(who) };
  return undefined;
}

async function projects(call: RestCall, deps: RestDeps, name: string | undefined, sub: string | undefined, rest: string | undefined): Promise<Result> {
  const info = (p: string): Record<string, unknown> => ({ id: encodeURIComponent(p), name: p, ...(p === 'All-Projects' ? {} : { parent: 'All-Projects' }), state: 'ACTIVE' });
  if ((name === undefined || name === '') && call.method === 'GET') {
    return { body: Object.fromEntries([...deps.model.projects].sort().map((p) => [p, { id: encodeURIComponent(p), state: 'ACTIVE' }])) };
  }
  if (name === undefined) return undefined;
  if (call.method === 'PUT' && sub === undefined) {
    needUser(call);
    if (deps.model.projects.has(name)) throw new RestError(409, `Project Already Exists`);
    if (!validProject(name)) throw new RestError(400, `Invalid Name: ${name}`);
    await deps.repos.create(name);
    deps.model.projects.add(name);
    return { status: 201, body: info(name) };
  }
  if (!deps.model.projects.has(name)) throw new RestError(404, `Not found: ${name}`);
  if (call.method !== 'GET') return undefined;
  if (sub === undefined) return { body: info(name) };
  if (sub === 'branches' && (rest === undefined || rest === '')) {
    const branches = await deps.repos.branches(name);
    return { body: [{ ref: 'HEAD', revision: 'master' }, ...branches] };
  }
  return undefined;
}

function queryChanges(call: RestCall, deps: RestDeps): Result {
  const queries = call.query.getAll('q');
  const limit = Math.min(Number(call.query.get('n') ?? call.query.get('limit') ?? String(deps.queryLimit)), deps.queryLimit);
  const start = Number(call.query.get('S') ?? call.query.get('start') ?? '0');
  const ctx = renderCtx(call, deps);
  const one = (q: string): unknown[] => {
    const pred = parseQuery(q, deps.model, call.user);
    // Gerrit's default sort: most recently updated first.
    const all = [...deps.model.changes.values()].filter((ch) => visible(ch, call.user, deps) && pred(ch)).sort((x, y) => y.updated.getTime() - x.updated.getTime() || y.number - x.number);
    const page = all.slice(start, start + limit).map((ch) => changeJson(ch, ctx));
    const last = page[page.length - 1];
    if (last !== undefined && all.length > start + limit) (last as Record<string, unknown>)['_more_changes'] = true;
    return page;
  };
  if (queries.length <= 1) return { body: one(queries[0] ?? 'status:open') };
  return { body: queries.map(one) };
}

/**
 * Gerrit's change visibility: the project's Read permission (readAccess lists the only users who
 * have it on a restricted project), then private changes for their owner and reviewers only.
 */
function visible(change: Change, user: Account | undefined, deps: RestDeps): boolean {
  const readers = Object.hasOwn(deps.readAccess, change.project) ? deps.readAccess[change.project] : undefined;
  if (readers !== undefined && (user === undefined || !readers.includes(user.username))) return false;
  if (!change.isPrivate) return true;
  return user !== undefined && (change.owner === user._account_id || change.reviewers.has(user._account_id));
}

function revision(change: Change, rev: string, model: GerritModel): void {
  if (rev === 'current') return;
  const found = /^\d+$/.test(rev) && rev.length < 4
    ? change.patchSets.find((p) => p.number === Number(rev))
    : change.patchSets.find((p) => p.sha.startsWith(rev));
  if (found === undefined) throw new RestError(404, `Not found: ${rev}`);
  if (found !== model.current(change)) throw new RestError(409, 'Cannot act on an outdated patch set');
}

function review(change: Change, user: Account, body: unknown, model: GerritModel): Result {
  if (change.status !== 'NEW' && body !== null && typeof body === 'object' && 'labels' in body) {
    throw new RestError(409, `change is ${change.status.toLowerCase()}`);
  }
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const onBehalf = typeof input['on_behalf_of'] === 'string' || typeof input['on_behalf_of'] === 'number' ? model.findAccount(String(input['on_behalf_of'])) : undefined;
  const voter = onBehalf ?? user;
  const labels = typeof input['labels'] === 'object' && input['labels'] !== null ? (input['labels'] as Record<string, unknown>) : {};
  const applied: Record<string, number> = {};
  for (const [name, raw] of Object.entries(labels)) {
    const type = labelType(name);
    if (type === undefined) throw new RestError(400, `label "${name}" is not a configured label`);
    const value = typeof raw === 'number' ? raw : Number(String(raw).replace(/^\+/, ''));
    if (!type.values.includes(value)) throw new RestError(400, `Applying label "${type.name}": ${String(raw)} is restricted`);
    applied[type.name] = value;
  }
  const approvals = Object.entries(applied).map(([name, value]) => {
    const old = change.votes.get(name)?.get(voter._account_id)?.value;
    model.vote(change, voter._account_id, name, value);
    return { type: name, description: name, value: String(value), ...(old === undefined ? {} : { oldValue: String(old) }) };
  });
  if (gsonBoolean(input['ready'])) change.wip = false;
  if (gsonBoolean(input['work_in_progress'])) change.wip = true;
  const votes = Object.entries(applied).map(([k, v]) => `${k}${v > 0 ? '+' : ''}${v}`).join(' ');
  const message = typeof input['message'] === 'string' ? input['message'] : '';
  const tag = typeof input['tag'] === 'string' ? input['tag'] : undefined;
  change.messages.push({ author: voter._account_id, date: new Date(), message: `Patch Set ${model.current(change).number}:${votes === '' ? '' : ` ${votes}`}${message === '' ? '' : `\n\n${message}`}`, ...(tag === undefined ? {} : { tag }) });
  model.notify('comment-added', change, { author: accountEventAttr(model, voter._account_id), approvals, comment: change.messages[change.messages.length - 1]?.message ?? '' });
  return { body: { labels: applied, ...(change.wip ? {} : { ready: true }) } };
}

/** Gson's boolean adapter (TypeAdapters.BOOLEAN): JSON true, or a string Boolean.parseBoolean reads as true. */
function gsonBoolean(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

async function submit(change: Change, user: Account, deps: RestDeps, ctx: RenderContext): Promise<Result> {
  const why = deps.model.unsubmittable(change);
  if (why !== undefined) throw new RestError(409, `Change ${change.number}: ${why}`);
  const ps = deps.model.current(change);
  const merged = await deps.repos.mergeInto(change.project, `refs/heads/${change.branch}`, ps.sha, `Merge "${ps.subject}"`);
  if (merged === undefined) throw new RestError(409, `Change ${change.number}: merge conflict`);
  markMerged(change, user._account_id);
  deps.model.notify('change-merged', change, { submitter: accountEventAttr(deps.model, user._account_id), newRev: merged });
  change.messages.push({ author: user._account_id, date: new Date(), message: `Change has been successfully merged` });
  return { body: changeJson(change, ctx) };
}

function lifecycle(change: Change, user: Account, to: 'NEW' | 'ABANDONED', ctx: RenderContext, body: unknown): Result {
  if (to === 'ABANDONED' && change.status !== 'NEW') throw new RestError(409, `change is ${change.status.toLowerCase()}`);
  if (to === 'NEW' && change.status !== 'ABANDONED') throw new RestError(409, `change is ${change.status.toLowerCase()}`);
  change.status = to;
  change.updated = new Date();
  change.messages.push({ author: user._account_id, date: change.updated, message: to === 'NEW' ? 'Restored' : 'Abandoned' });
  const reason = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : '';
  const who = accountEventAttr(ctx.model, user._account_id);
  if (to === 'ABANDONED') ctx.model.notify('change-abandoned', change, { abandoner: who, reason });
  else ctx.model.notify('change-restored', change, { restorer: who, reason });
  return { body: changeJson(change, ctx) };
}
