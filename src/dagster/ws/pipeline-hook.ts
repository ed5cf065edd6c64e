// What the pipeline calls, instead of Forwarder.ws, for an authorized Dagster upgrade: the
// graphql-ws relay, with each `start` decided by the same decider and audited write-ahead like
// any request (its own request id: `<handshake id>/ws<n>`). One call, so the wiring in
// src/proxy/pipeline.ts is one branch.

import type { AuditSink } from '../../audit/types.js';
import { ChangegateError } from '../../errors.js';
import type { Identity } from '../../identity/types.js';
import type { Decider } from '../../policy/types.js';
import type { ForwardOutcome } from '../../proxy/forward.js';
import type { Exchange } from '../../proxy/pipeline.js';
import { decisionRecord, policyInput } from '../../proxy/records.js';
import type { StartJudgeOptions } from './judge.js';
import { IDLE_CLOSE_CODE, relayGraphqlWs } from './relay.js';

export interface DagsterWsOptions extends StartJudgeOptions {
  readonly decider: Decider;
  readonly audit: AuditSink;
  readonly maxFrameBytes: number;
  /** Closes a relay with no frame either way for this long (relay.ts). */
  readonly idleMs: number;
}

export type DagsterWsHook = (exchange: Exchange, identity: Identity) => Promise<ForwardOutcome>;

export function createDagsterWsHook(options: DagsterWsOptions): DagsterWsHook {
  return async (exchange, identity) => {
    const upgrade = exchange.upgrade;
    if (upgrade === undefined) throw new TypeError('createDagsterWsHook handles WebSocket upgrades only');
    const started = performance.now();
    exchange.res.detachSocket(upgrade.socket);
    let frames = 0;
    const target = exchange.route.target;
    const outcome = await relayGraphqlWs({
      ...options,
      req: exchange.req,
      socket: upgrade.socket,
      head: upgrade.head,
      upstreamUrl: `${target.protocol === 'https:' ? 'wss:' : 'ws:'}//${target.host}${exchange.req.url ?? '/'}`,
      upstreamHeaders: exchange.req.headers,
      onRefused: async (reason) => {
        const frameExchange: Exchange = { ...exchange, requestId: `${exchange.requestId}/ws${++frames}` };
        const refused = { action: 'dagster.ws.refused', resource: { upstream: 'dagster' as const, route: 'graphql-ws', reason }, body: { kind: 'untouched' as const } };
        await options.audit.append(decisionRecord(frameExchange, identity, refused, { allow: false, reasons: ['bad_request'], revision: 'none' })).catch(() => undefined);
      },
      authorize: async (classification) => {
        const frameExchange: Exchange = { ...exchange, requestId: `${exchange.requestId}/ws${++frames}` };
        const decision = options.decider.decide(policyInput(frameExchange, identity, classification));
        try {
          await options.audit.append(decisionRecord(frameExchange, identity, classification, decision));
        } catch {
          // No durable record, no forwarding: the same rule as for HTTP requests.
          return { allow: false, reasons: ['audit_unavailable'] };
        }
        return decision;
      },
    });
    // The completion record says why the relay ended when the proxy ended it.
    const idle = outcome.idle ? { error: new ChangegateError('request_timeout', `the WebSocket was closed (${IDLE_CLOSE_CODE}) after ${options.idleMs} ms idle`) } : {};
    return { status: outcome.status, bytesOut: upgrade.socket.bytesWritten, durationMs: performance.now() - started, ...idle };
  };
}
