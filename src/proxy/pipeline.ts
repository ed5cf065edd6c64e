// The request pipeline, in the order every proxied request goes through it:
//
//   authenticate -> classify -> decide -> audit -> stamp -> forward
//
// Each stage is a function from the previous stage's result to its own; none reaches back.
// Audit comes before stamp and forward because the decision record must be durable before a
// byte reaches an upstream (write-ahead). Stamp comes after decide so only allowed requests
// carry identity to an upstream.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthRequest, AuthResult } from '../auth/types.js';
import type { AuditRecord, AuditSink, DecisionRecord } from '../audit/types.js';
import { ChangegateError } from '../errors.js';
import { ANONYMOUS, isAuthenticated, type Identity } from '../identity/types.js';
import type { Decider, Decision, PolicyInput, UpstreamName } from '../policy/types.js';
import { decisionRecord, completionRecord, policyInput } from './records.js';
import type { ForwardOutcome, Forwarder, Upgrade } from './forward.js';
import { declaresBody } from './read-body.js';
import { sendError } from './respond.js';
import type { Route } from './routes.js';
import type { ForwardedClientInfo } from './forwarded.js';
import type { Classification, Classifier, NormalizedTarget } from './types.js';
import { webSocketOwner, type WebSocketSlots } from './websocket-slots.js';

/** One request on its way through the pipeline. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly client: ForwardedClientInfo;
  readonly target: NormalizedTarget;
  readonly route: Route;
  /** Present for a WebSocket handshake; `res` then writes onto the upgrade socket. */
  readonly upgrade?: Upgrade;
}

export interface PipelineDeps {
  authenticate(request: AuthRequest): Promise<AuthResult>;
  readonly classifiers: Readonly<Record<UpstreamName, Classifier>>;
  readonly decider: Decider;
  readonly audit: AuditSink;
  /** Rewrites req.url and req.headers for the upstream: identity, forwarding and change headers. */
  stamp(exchange: Exchange, identity: Identity, classification: Classification): void;
  /** Answers an anonymous request that policy did not allow: a login redirect or a 401. */
  challenge(exchange: Exchange): void;
  readonly forwarder: Forwarder;
  /**
   * Upstreams whose WebSocket traffic is inspected frame by frame instead of tunnelled raw
   * (Dagster's graphql-ws): called for an allowed upgrade in place of forwarder.ws.
   */
  readonly tunnels?: Partial<Record<UpstreamName, (exchange: Exchange, identity: Identity) => Promise<ForwardOutcome>>>;
  /** Caps open WebSockets; an allowed upgrade past a cap is refused before it is tunnelled. */
  readonly websockets?: WebSocketSlots;
  /** Observes every finished exchange (metrics, access log). */
  observe(exchange: Exchange, summary: ExchangeSummary): void;
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
      await recordRefusal(deps.audit, exchange, identity, 'authenticate', auth.error);
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
      await recordRefusal(deps.audit, exchange, identity, 'authenticate', error);
      deps.challenge(exchange);
      return finish('deny', error.status, [error.code]);
    }

    const classification = await deps.classifiers[exchange.route.upstream].classify({
      upstream: exchange.route.upstream,
      method: exchange.req.method ?? 'GET',
      target: exchange.target,
      req: exchange.req,
      identity,
      requestId: exchange.requestId,
      clientIp: exchange.client.ip,
    });
    action = classification.action;

    const input = policyInput(exchange, identity, classification);
    const decision = deps.decider.decide(input);

    // Write-ahead: no durable record, no forwarding.
    try {
      await deps.audit.append(decisionRecord(exchange, identity, classification, decision));
    } catch (e) {
      throw new ChangegateError('audit_unavailable', 'the audit log cannot be written, so the request was not forwarded', { cause: e });
    }

    if (!decision.allow) {
      respondDenied(exchange, deps, identity, input, decision);
      return finish('deny', exchange.res.statusCode, decision.reasons);
    }

    deps.stamp(exchange, identity, classification);
    const outcome = await forward(exchange, identity, classification, deps);
    void appendQuietly(deps.audit, completionRecord(exchange, outcome));
    return finish(outcome.error ? 'error' : 'allow', outcome.status, decision.reasons);
  } catch (e) {
    const error = e instanceof ChangegateError ? e : new ChangegateError('internal', 'internal error; see the proxy log for this request id', { cause: e });
    if (error.code !== 'audit_unavailable') await recordRefusal(deps.audit, exchange, identity, action, error);
    sendError(exchange.res, error, exchange.requestId);
    finish('error', error.status, [error.code]);
    if (error.code === 'internal') throw e;
  }
}

async function forward(exchange: Exchange, identity: Identity, classification: Classification, deps: PipelineDeps): Promise<ForwardOutcome> {
  if (exchange.upgrade === undefined) {
    return deps.forwarder.web(exchange.req, exchange.res, exchange.route, classification);
  }
  // Throws (429/503) past a cap, before the upgrade: the refusal is audited like any other.
  const release = deps.websockets?.take(webSocketOwner(identity, exchange.client.ip));
  try {
    const tunnel = deps.tunnels?.[exchange.route.upstream];
    return await (tunnel !== undefined ? tunnel(exchange, identity) : deps.forwarder.ws(exchange.req, exchange.res, exchange.upgrade, exchange.route));
  } finally {
    release?.();
  }
}

function respondDenied(exchange: Exchange, deps: PipelineDeps, identity: Identity, input: PolicyInput, decision: Decision): void {
  if (!isAuthenticated(identity)) {
    deps.challenge(exchange);
    return;
  }
  const reason = decision.reasons.length > 0 ? decision.reasons.join(', ') : 'no policy rule allows this request';
  sendError(
    exchange.res,
    new ChangegateError('forbidden', `${input.action} denied: ${reason}`, { details: { action: input.action, reasons: decision.reasons } }),
    exchange.requestId,
  );
}

/** Refusals before a decision (bad credentials, unparseable requests) are audited as denials. */
async function recordRefusal(audit: AuditSink, exchange: Exchange, identity: Identity, action: string, error: ChangegateError): Promise<void> {
  const record: DecisionRecord = decisionRecord(
    exchange,
    identity,
    // The reason a person reads in the response goes to the auditor too.
    { action, resource: { upstream: exchange.route.upstream, reason: error.message }, body: { kind: 'untouched' } },
    { allow: false, reasons: [error.code], revision: 'none' },
  );
  await appendQuietly(audit, record);
}

async function appendQuietly(audit: AuditSink, record: AuditRecord): Promise<void> {
  try {
    await audit.append(record);
  } catch {
    // Nothing was forwarded on this path, so a lost refusal record loses no forwarded request;
    // the sink's own failure state turns readiness off and is counted in metrics.
  }
}

export type { ForwardOutcome };
