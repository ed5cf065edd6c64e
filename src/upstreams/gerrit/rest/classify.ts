// Classifies one Gerrit REST call: effective method and path -> action, then the facts the
// policy needs (the change and its approvals, the review's votes, whose account it is).

import type { IncomingMessage } from 'node:http';
import type { Identity } from '../../../identity/types.js';
import type { ResourceInput } from '../../../policy/types.js';
import type { ChangeRef, Classification, ForwardBody } from '../../../pipeline/types.js';
import { ChangegateError } from '../../../errors.js';
import { decodeSegment, parseChangeId, type ParsedChangeId } from '../change-id.js';
import type { ChangeFacts } from '../change-info.js';
import type { ChangeSource } from '../changes.js';
import { readBoundedBody } from '../../../http/read-body.js';
import { parseJsonObject } from './body.js';
import { restTarget } from './effective.js';
import { ACTIONS, CLOSING_UPDATE_VIEWS, type RestMatch } from './match.js';
import { onBehalfOf, reviewFacts } from './review-body.js';
import { matchRest } from './endpoints.js';

export interface RestClassifierDeps {
  readonly pathPrefix: string;
  readonly maxBodyBytes: number;
  /** Absent: decisions that need the change's approvals fail closed. */
  readonly changes?: ChangeSource;
  /** Absent: submit decisions carry no `impact` (change tracking is not configured). */
  readonly impact?: ImpactProvider;
}

/**
 * What a change does to the Dagster asset graph (change tracking), for the commit it is about to
 * submit: the impact computed for exactly that commit, or null with the reason there is none
 * (not computed yet, computed for an older patch set, the deployment failed).
 */
export type ImpactProvider = (change: number, project: string, currentRevision: string | null) => { readonly impact: unknown } | { readonly impact: null; readonly reason: string } | undefined;

export interface RestRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly req: IncomingMessage;
  readonly identity: Identity;
}

/** Actions whose decision depends on who owns the change and who voted. */
const NEEDS_CHANGE_DATA = new Set<string>([ACTIONS.submit, ACTIONS.review, ACTIONS.voteDelete]);

export async function classifyRest(request: RestRequest, deps: RestClassifierDeps): Promise<Classification> {
  const target = restTarget(request.method, request.path, request.query, deps.pathPrefix);
  refuseFormWrites(target.method, request.req.headers['content-type']);
  const match = matchRest(target);
  // Keys in sorted order where we choose them: the audit line's canonical JSON then takes a plain
  // read's resource as it is rather than copying it (src/audit/canonical.ts).
  const resource: Record<string, unknown> = { method: target.method, path: request.path, upstream: 'gerrit', ...match.attrs };
  let body: ForwardBody = { kind: 'untouched' };

  if (match.body !== undefined) {
    const bytes = await readBoundedBody(request.req, deps.maxBodyBytes);
    body = { kind: 'buffered', bytes };
    const json = parseJsonObject(bytes, request.req.headers['content-type'], match.body);
    if (match.body === 'review') resource['review'] = reviewFacts(json);
    else resource['on_behalf_of'] = onBehalfOf(json);
  }
  if (match.accountSegment !== undefined) resource['account'] = accountFacts(match.accountSegment, request.identity);

  // A read naming no valid change is Gerrit's 404 to give; a write naming none is refused.
  const parsed = match.changeSegment === undefined ? undefined : parseChangeSegment(match.changeSegment, match.action !== ACTIONS.read);
  let change: ChangeRef | undefined;
  if (parsed !== undefined) {
    change = refFromId(parsed);
    resource['change'] = { id: parsed.raw, form: parsed.form, ...change };
    const facts = match.action === ACTIONS.read ? undefined : await changeData(match, parsed, deps.changes);
    if (facts !== undefined) {
      change = refFromFacts(facts);
      resource['change'] = { id: parsed.raw, form: parsed.form, ...changeResource(facts), ...(match.action === ACTIONS.submit ? impactOf(facts, deps.impact) : {}) };
      resource['labels'] = facts.labels;
    }
  }
  return { action: match.action, resource: resource as ResourceInput, ...(change === undefined ? {} : { change }), body };
}

async function changeData(match: RestMatch, parsed: ParsedChangeId, changes: ChangeSource | undefined): Promise<ChangeFacts | undefined> {
  const needed = NEEDS_CHANGE_DATA.has(match.action);
  if (changes === undefined) {
    if (!needed) return undefined;
    throw new ChangegateError('upstream_unavailable', `cannot decide ${match.action}: no Gerrit service account is configured to read the change`);
  }
  // Gerrit's answer of now (changes.ts): a submit is decided on the approvals as they are.
  return needed ? changes.get(parsed.raw) : closesUnnumbered(match, parsed) ? changes.get(parsed.raw).catch(() => undefined) : undefined;
}

/**
 * An abandon or delete addressed by Change-Id, triplet or commit: the change number is looked up
 * (best effort, the decision does not need it) so the tokens bound to the change can be revoked
 * once it closes. Without it the webhook event still revokes them.
 */
function closesUnnumbered(match: RestMatch, parsed: ParsedChangeId): boolean {
  const view = match.attrs?.['view'];
  return match.action === ACTIONS.update && parsed.number === undefined && typeof view === 'string' && CLOSING_UPDATE_VIEWS.has(view);
}

function parseChangeSegment(segment: string, required: boolean): ParsedChangeId | undefined {
  const decoded = decodeSegment(segment);
  const parsed = decoded === undefined ? undefined : parseChangeId(decoded);
  if (parsed === undefined && required) throw new ChangegateError('bad_request', 'the change identifier is not one Gerrit accepts');
  return parsed;
}

function refFromId(p: ParsedChangeId): ChangeRef {
  return {
    ...(p.number === undefined ? {} : { number: p.number }),
    ...(p.changeId === undefined ? {} : { changeId: p.changeId }),
    ...(p.project === undefined ? {} : { project: p.project }),
    ...(p.branch === undefined ? {} : { branch: p.branch }),
  };
}

function refFromFacts(f: ChangeFacts): ChangeRef {
  return { number: f.number, project: f.project, branch: f.branch, ...(f.change_id === null ? {} : { changeId: f.change_id }) };
}

function impactOf(f: ChangeFacts, provider: ImpactProvider | undefined): Record<string, unknown> {
  if (provider === undefined) return {};
  // Undefined: the change's project is not tracked, so its submit carries no impact at all.
  const found = provider(f.number, f.project, f.current_revision);
  if (found === undefined) return {};
  return found.impact === null ? { impact: null, impactReason: 'reason' in found ? found.reason : 'unknown' } : { impact: found.impact };
}

function changeResource(f: ChangeFacts): Record<string, unknown> {
  return { number: f.number, changeId: f.change_id, project: f.project, branch: f.branch, status: f.status, owner: f.owner, current_revision: f.current_revision };
}

function accountFacts(segment: string, identity: Identity): Record<string, unknown> {
  const id = decodeSegment(segment) ?? segment;
  const self = identity.kind === 'authenticated' && (id === 'self' || id === identity.username || (identity.email !== undefined && id === identity.email));
  return { id, self };
}

/**
 * A servlet may merge form fields into its parameters, and Gerrit maps form bodies onto inputs:
 * either way a form body could carry what we never inspect (a `$m`, a vote). JSON only.
 */
function refuseFormWrites(method: string, contentType: string | undefined): void {
  if (method === 'GET') return;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    throw new ChangegateError('bad_body', 'form-encoded writes to Gerrit are not accepted through the proxy; send JSON');
  }
}
