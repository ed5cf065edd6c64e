// The request pipeline, in the order every proxied request goes through it:
//
//   authenticate -> classify -> decide -> audit -> stamp -> forward -> record -> after-forward effects
//
// Each stage is a function from the previous stage's result to its own; none reaches back.
// Audit comes before stamp and forward because the decision record must be durable before a
// byte reaches an upstream (write-ahead). Stamp comes after decide so only allowed requests
// carry identity to an upstream. The after-forward effects are the upstream's own, named list
// (`Upstream.effects`, e.g. Gerrit's `revoke-tokens-of-closed-change`, Dagster's
// `announce-run-on-change`); they run only for a 2xx, and only once the completion record is
// durable, in the order the upstream lists them.
//
// A WebSocket whose frames are judged (Dagster's graphql-ws) runs each frame through the same
// decide + audit stages (`frameGate`), under the request id `<handshake id>/ws<n>`.

import type { AuthRequest, AuthResult } from '../auth/types.js';
import type { AppendUrgency, AuditRecord, AuditSink } from '../audit/types.js';
import { ChangegateError } from '../errors.js';
import { declaresBody } from '../http/read-body.js';
import { sendError } from '../http/respond.js';
import { ANONYMOUS, isAuthenticated, type Identity } from '../identity/types.js';
import type { Decider, Decision } from '../policy/types.js';
import type { Forwarder } from './forward.js';
import { completionRecord, decisionRecord, policyInput } from './records.js';
import type { Classification, Exchange, ForwardOutcome, FrameGate } from './types.js';
import { webSocketOwner, type WebSocketSlots } from './websocket-slots.js';

export interface PipelineDeps {
  authenticate(request: AuthRequest): Promise<AuthResult>;
  readonly decider: Decider;
  readonly audit: AuditSink;
  /** Rewrites req.url and req.headers for the upstream: identity, forwarding and change headers. */
  stamp(exchange: Exchange, identity: Identity, classification: Classification): void;
  /** Answers an anonymous request that policy did not allow: a login redirect or a 401. */
  challenge(exchange: Exchange): void;
  readonly forwarder: Pick<Forwarder, 'web' | 'ws'>;
  /** Caps open WebSockets; an allowed upgrade past a cap is refused before it is tunnelled. */
  readonly websockets?: WebSocketSlots;
  /** Observes every finished exchange (metrics, access log). */
  observe(exchange: Exchange, summary: ExchangeSummary): void;
  /** An after-forward effect threw (a bug in it): the response is already sent, so it is only reported. */
  onEffectError?(effect: string, error: unknown, exchange: Exchange): void;
}

export interface ExchangeSummary {
  readonly action: string;
  readonly decision: 'allow' | 'deny' | 'error';
  readonly status: number;
  readonly identity: Identity;
  readonly reasons: readonly string[];
  readonly durationMs: number;
}

export async function runPipeline(exchange: Exchange, deps: PipelineDeps): Promise<void> {
  const started = performance.now();
  let identity: Identity = ANONYMOUS;
  let action = 'unclassified';
  const finish = (decision: ExchangeSummary['decision'], status: number, reasons: readonly string[]): void =>
    deps.observe(exchange, { action, decision, status, identity, reasons, durationMs: performance.now() - started });

  try {
    const auth = await deps.authenticate({ req: exchange.req, target: exchange.target, client: exchange.client });
    if (auth.kind === 'rejected') {
      await recordRefusal(deps.audit, exchange, identity, unclassified(exchange, 'authenticate', auth.error), auth.error.code);
      sendError(exchange.res, auth.error, exchange.requestId);
      return finish('deny', auth.error.status, [auth.error.code]);
    }
    if (auth.kind === 'authenticated') {
      identity = auth.identity;
      // A refreshed or re-issued session cookie rides on whatever response this request gets.
      if (auth.setCookies !== undefined && auth.setCookies.length > 0) exchange.res.appendHeader('set-cookie', [...auth.setCookies]);
    } else if (declaresBody(exchange.req)) {
      // Classifying reads the body, and an anonymous caller must not get to make the proxy
      // hold one: it is refused unread (the connection closes, respond.ts). Policy may still
      // allow anonymous requests without a body; with one, none is ever allowed.
      const error = new ChangegateError('unauthenticated', 'sign in, or send a bearer token or access token, before sending a body');
      await recordRefusal(deps.audit, exchange, identity, unclassified(exchange, 'authenticate', error), error.code);
      deps.challenge(exchange);
      return finish('deny', error.status, [error.code]);
    }

    const classification = await classify(exchange, identity);
    action = classification.action;

    const decision = await decideAndRecord(deps, exchange, identity, classification);
    if (!decision.allow) {
      respondDenied(exchange, deps, identity, classification.action, decision);
      return finish('deny', exchange.res.statusCode, decision.reasons);
    }

    deps.stamp(exchange, identity, classification);
    const outcome = await forward(exchange, identity, classification, deps);
    // Nobody waits on the completion record (the response is out), so it shares the next decision's write.
    void appendRecord(deps.audit, completionRecord(exchange, outcome), 'coalesce').then((durable) => {
      if (durable && succeeded(outcome)) runAfterForwardEffects(exchange, identity, classification, outcome, deps);
    });
    return finish(failed(outcome) ? 'error' : 'allow', outcome.status, decision.reasons);
  } catch (e) {
    const error = e instanceof ChangegateError ? e : new ChangegateError('internal', 'internal error; see the proxy log for this request id', { cause: e });
    if (error.code !== 'audit_unavailable') await recordRefusal(deps.audit, exchange, identity, unclassified(exchange, action, error), error.code);
    sendError(exchange.res, error, exchange.requestId);
    finish('error', error.status, [error.code]);
    if (error.code === 'internal') throw e;
  }
}

/** The classify stage: the upstream's own classifier. */
function classify(exchange: Exchange, identity: Identity): Promise<Classification> {
  return exchange.upstream.classifier.classify({
    upstream: exchange.upstream.kind,
    method: exchange.req.method ?? 'GET',
    target: exchange.target,
    req: exchange.req,
    identity,
    requestId: exchange.requestId,
    clientIp: exchange.client.ip,
  });
}

/** The decide and audit stages: policy decides, and the decision is durable before anything else happens. */
async function decideAndRecord(deps: Pick<PipelineDeps, 'decider' | 'audit'>, exchange: Exchange, identity: Identity, classification: Classification): Promise<Decision> {
  const decision = deps.decider.decide(policyInput(exchange, identity, classification));
  // Write-ahead: no durable record, no forwarding.
  try {
    await deps.audit.append(decisionRecord(exchange, identity, classification, decision));
  } catch (e) {
    throw new ChangegateError('audit_unavailable', 'the audit log cannot be written, so the request was not forwarded', { cause: e });
  }
  return decision;
}

/** The forward stage: HTTP through the forwarder; an upgrade through the upstream's tunnel, or a raw one. */
async function forward(exchange: Exchange, identity: Identity, classification: Classification, deps: PipelineDeps): Promise<ForwardOutcome> {
  const { upstream, upgrade } = exchange;
  if (upgrade === undefined) return deps.forwarder.web(exchange.req, exchange.res, upstream, classification);
  // Throws (429/503) past a cap, before the upgrade: the refusal is audited like any other.
  const release = deps.websockets?.take(webSocketOwner(identity, exchange.client.ip));
  try {
    if (upstream.tunnel !== undefined) return await upstream.tunnel(exchange, frameGate(exchange, identity, deps));
    return await deps.forwarder.ws(exchange.req, exchange.res, upgrade, upstream);
  } finally {
    release?.();
  }
}

/** Decide + audit for each judged frame of one WebSocket, numbered from 1. */
export function frameGate(exchange: Exchange, identity: Identity, deps: Pick<PipelineDeps, 'decider' | 'audit'>): FrameGate {
  let frames = 0;
  const next = (): Exchange => ({ ...exchange, requestId: `${exchange.requestId}/ws${++frames}` });
  return {
    decide: async (classification) => {
      try {
        return await decideAndRecord(deps, next(), identity, classification);
      } catch (e) {
        // No durable record, no forwarding: the same rule as for HTTP requests.
        if (e instanceof ChangegateError && e.code === 'audit_unavailable') return { allow: false, reasons: ['audit_unavailable'], revision: 'none' };
        throw e;
      }
    },
    refuse: (classification, code) => recordRefusal(deps.audit, next(), identity, classification, code),
  };
}

/**
 * The exchange was cut short by us or the upstream. A client hanging up is neither: the request
 * is still an allow (with 499, or the upstream's status), and what the upstream did stands.
 */
function failed(outcome: ForwardOutcome): boolean {
  return outcome.error !== undefined && outcome.error.code !== 'client_closed';
}

/** The upstream answered 2xx and nothing failed; a submit whose client walked away still merged, so its effects run. */
function succeeded(outcome: ForwardOutcome): boolean {
  return !failed(outcome) && outcome.status >= 200 && outcome.status < 300;
}

/** The after-forward effects, in the upstream's order; one that throws does not stop the next. */
function runAfterForwardEffects(exchange: Exchange, identity: Identity, classification: Classification, outcome: ForwardOutcome, deps: PipelineDeps): void {
  for (const effect of exchange.upstream.effects) {
    try {
      effect.run({ exchange, identity, classification, outcome });
    } catch (e) {
      deps.onEffectError?.(effect.name, e, exchange);
    }
  }
}

function respondDenied(exchange: Exchange, deps: PipelineDeps, identity: Identity, action: string, decision: Decision): void {
  if (!isAuthenticated(identity)) {
    deps.challenge(exchange);
    return;
  }
  const reason = decision.reasons.length > 0 ? decision.reasons.join(', ') : 'no policy rule allows this request';
  sendError(exchange.res, new ChangegateError('forbidden', `${action} denied: ${reason}`, { details: { action, reasons: decision.reasons } }), exchange.requestId);
}

/** What the audit record says a request was when it was refused before classification finished. */
function unclassified(exchange: Exchange, action: string, error: ChangegateError): Classification {
  // The reason a person reads in the response goes to the auditor too.
  return { action, resource: { upstream: exchange.upstream.kind, reason: error.message }, body: { kind: 'untouched' } };
}

/** Refusals before a decision (bad credentials, unparseable requests and frames) are audited as denials. */
async function recordRefusal(audit: AuditSink, exchange: Exchange, identity: Identity, classification: Classification, code: string): Promise<void> {
  await appendRecord(audit, decisionRecord(exchange, identity, classification, { allow: false, reasons: [code], revision: 'none' }));
}

/** Appends a record that no forwarding waits on; resolves to whether it is durable. */
async function appendRecord(audit: AuditSink, record: AuditRecord, urgency: AppendUrgency = 'now'): Promise<boolean> {
  try {
    await audit.append(record, urgency);
    return true;
  } catch {
    // Nothing was forwarded on this path, so a lost refusal record loses no forwarded request;
    // the sink's own failure state turns readiness off and is counted in metrics.
    return false;
  }
}
