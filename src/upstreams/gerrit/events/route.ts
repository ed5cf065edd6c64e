// The admin-listener endpoint Gerrit's webhooks plugin posts change events to. Order, as on the
// ingress: check the caller, read the event, write the decision record (write-ahead), act, write
// the completion record. Acting means revoking the personal access tokens bound to a change that
// was merged or abandoned; a new patch set is only recorded. Refusals are audited too.
//
// Status codes tell the plugin what to do: 2xx is done; a 5xx (audit log or token store down)
// makes it retry, which is safe because revoking twice revokes nothing more.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditSink, CompletionRecord, DecisionRecord } from '../../../audit/types.js';
import { ChangegateError } from '../../../errors.js';
import type { ResourceInput } from '../../../policy/types.js';
import { canonicalIp } from '../../../http/ip.js';
import { readBoundedBody } from '../../../http/read-body.js';
import { sendError, sendJson } from '../../../http/respond.js';
import type { WebhookAccess, WebhookProof } from './access.js';
import { CLOSING_EVENTS, parseGerritEvent, type ChangeEvent } from './event.js';
import type { ChangeSignal } from './signal.js';

export const GERRIT_WEBHOOK_PATH = '/gerrit/webhooks';

/** What became of one delivery, for metrics and logs. */
export type WebhookOutcome = 'accepted' | 'ignored' | 'refused' | 'failed';

export interface WebhookObservation {
  /** The event type when one was read ('unknown' before that). */
  readonly type: string;
  readonly outcome: WebhookOutcome;
  readonly change?: number;
  readonly revoked?: number;
  readonly reason?: string;
}

export interface WebhookDeps {
  readonly access: WebhookAccess;
  readonly audit: AuditSink;
  /** Revokes the tokens bound to a closed change; resolves to how many. */
  revokeForChange(change: number): Promise<number>;
  /** Told of every accepted event, once it is recorded (the branch-deployment loop listens). */
  onChange?(signal: ChangeSignal): void;
  /** Largest event body read (commit messages make them a few KiB). */
  readonly maxBodyBytes: number;
  observe?(o: WebhookObservation): void;
}

interface Delivery {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly started: number;
}

/** The admin route handler (POST GERRIT_WEBHOOK_PATH). */
export function gerritWebhookHandler(deps: WebhookDeps): (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void> {
  return (req, res, requestId) => handle({ req, res, requestId, started: performance.now() }, deps);
}

async function handle(d: Delivery, deps: WebhookDeps): Promise<void> {
  const query = queryOf(d.req.url);
  const access = deps.access.check(query, d.req.socket.remoteAddress);
  if (!access.ok) return refuse(d, deps, access.error, 'unknown');

  let event: ChangeEvent;
  try {
    const parsed = parseGerritEvent(await readBoundedBody(d.req, deps.maxBodyBytes), d.req.headers['content-type']);
    if (parsed.kind === 'ignored') {
      // The plugin posts every event unless its remote lists some; the others are not ours.
      deps.observe?.({ type: parsed.type, outcome: 'ignored' });
      return sendJson(d.res, 202, { status: 'ignored', type: parsed.type, requestId: d.requestId });
    }
    event = parsed.event;
  } catch (e) {
    return refuse(d, deps, e instanceof ChangegateError ? e : new ChangegateError('bad_body', 'the webhook event could not be read'), 'unknown');
  }

  try {
    await deps.audit.append(decisionRecord(d, `gerrit.event.${event.type}`, eventResource(event), event, true, access.proofs));
  } catch (e) {
    deps.observe?.({ type: event.type, outcome: 'failed', change: event.change.number, reason: 'audit_unavailable' });
    return sendError(d.res, new ChangegateError('audit_unavailable', 'the audit log cannot be written; the event was not acted on', { cause: e }), d.requestId);
  }

  let revoked = 0;
  try {
    if (CLOSING_EVENTS.has(event.type)) revoked = await deps.revokeForChange(event.change.number);
  } catch {
    await appendQuietly(deps.audit, completionRecord(d, 500, { error: 'internal' }));
    deps.observe?.({ type: event.type, outcome: 'failed', change: event.change.number, reason: 'token_store' });
    return sendError(d.res, new ChangegateError('internal', 'the tokens bound to the change could not be revoked; deliver the event again'), d.requestId);
  }
  const learned = CLOSING_EVENTS.has(event.type) ? { revokedTokens: revoked } : undefined;
  await appendQuietly(deps.audit, completionRecord(d, 200, learned === undefined ? {} : { learned }));
  deps.onChange?.(signalOf(event));
  deps.observe?.({ type: event.type, outcome: 'accepted', change: event.change.number, ...(learned === undefined ? {} : { revoked }) });
  sendJson(d.res, 200, { status: 'accepted', type: event.type, change: event.change.number, ...learned, requestId: d.requestId });
}

/** Refusals are audited as denials. Records name the route's path, never the query that holds the secret. */
async function refuse(d: Delivery, deps: WebhookDeps, error: ChangegateError, type: string): Promise<void> {
  await appendQuietly(deps.audit, decisionRecord(d, 'gerrit.event', { upstream: 'gerrit' }, undefined, false, [error.code]));
  deps.observe?.({ type, outcome: 'refused', reason: error.code });
  // A body left unread would be parsed as the next request on a kept-alive connection.
  d.res.setHeader('connection', 'close');
  sendError(d.res, error, d.requestId);
}

function signalOf(e: ChangeEvent): ChangeSignal {
  if (e.type === 'change-merged') return { kind: 'closed', change: e.change.number, reason: 'MERGED' };
  if (e.type === 'change-abandoned') return { kind: 'closed', change: e.change.number, reason: 'CLOSED' };
  return { kind: 'updated', change: e.change.number };
}

function eventResource(e: ChangeEvent): ResourceInput {
  return {
    upstream: 'gerrit',
    event: e.type,
    change: { ...e.change },
    ...(e.patchSet === undefined ? {} : { patch_set: e.patchSet }),
    ...(e.actor === undefined ? {} : { actor: e.actor }),
  };
}

function decisionRecord(d: Delivery, action: string, resource: ResourceInput, event: ChangeEvent | undefined, allow: boolean, reasons: readonly string[]): DecisionRecord {
  const peer = d.req.socket.remoteAddress ?? '';
  return {
    kind: 'decision',
    time: new Date().toISOString(),
    requestId: d.requestId,
    // No person acted through us: Gerrit's plugin reports what happened there.
    subject: null,
    action,
    resource,
    ...(event === undefined ? {} : { change: event.change }),
    decision: { allow, reasons, revision: 'none' },
    request: { method: d.req.method ?? 'POST', path: GERRIT_WEBHOOK_PATH, ip: canonicalIp(peer) ?? peer, userAgent: headerText(d.req.headers['user-agent']) },
  };
}

function completionRecord(d: Delivery, status: number, extra: Pick<CompletionRecord, 'learned' | 'error'>): CompletionRecord {
  return {
    kind: 'completion',
    time: new Date().toISOString(),
    requestId: d.requestId,
    status,
    bytesIn: Number(d.req.headers['content-length'] ?? 0) || 0,
    bytesOut: 0,
    durationMs: Math.round((performance.now() - d.started) * 1000) / 1000,
    ...extra,
  };
}

async function appendQuietly(audit: AuditSink, record: DecisionRecord | CompletionRecord): Promise<void> {
  try {
    await audit.append(record);
  } catch {
    // The sink's failure state is reported by readiness and metrics; nothing was acted on here.
  }
}

function queryOf(url: string | undefined): string {
  const q = (url ?? '').indexOf('?');
  return q < 0 ? '' : (url ?? '').slice(q + 1);
}

function headerText(v: string | string[] | undefined): string {
  const s = Array.isArray(v) ? v.join(', ') : (v ?? '');
  return s.length > 256 ? s.slice(0, 256) : s;
}
