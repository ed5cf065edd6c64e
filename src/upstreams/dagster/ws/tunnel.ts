// Dagster's WebSocket tunnel (`Upstream.tunnel`): what the pipeline runs, instead of a raw
// tunnel, for an allowed upgrade. The graphql-ws relay, with each `start` decided and audited
// write-ahead through the pipeline's own decide + audit stages (`FrameGate`), under the request
// id `<handshake id>/ws<n>`; a `start` refused before any decision is recorded as
// `dagster.ws.refused`.

import { ChangegateError } from '../../../errors.js';
import type { Classification, ForwardOutcome, FrameGate, Exchange } from '../../../pipeline/types.js';
import type { StartJudgeOptions } from './judge.js';

export interface GraphqlWsTunnelOptions extends StartJudgeOptions {
  readonly maxFrameBytes: number;
  /** Closes a relay with no frame either way for this long (relay.ts). */
  readonly idleMs: number;
}

export type GraphqlWsTunnel = (exchange: Exchange, frames: FrameGate) => Promise<ForwardOutcome>;

export function graphqlWsTunnel(options: GraphqlWsTunnelOptions): GraphqlWsTunnel {
  return async (exchange, frames) => {
    const upgrade = exchange.upgrade;
    if (upgrade === undefined) throw new TypeError('graphqlWsTunnel handles WebSocket upgrades only');
    const started = performance.now();
    // The relay and `ws` under it are loaded by the first WebSocket, not at start (cold start).
    const { IDLE_CLOSE_CODE, relayGraphqlWs } = await import('./relay.js');
    exchange.res.detachSocket(upgrade.socket);
    const target = exchange.upstream.route.target;
    const outcome = await relayGraphqlWs({
      ...options,
      req: exchange.req,
      socket: upgrade.socket,
      head: upgrade.head,
      upstreamUrl: `${target.protocol === 'https:' ? 'wss:' : 'ws:'}//${target.host}${exchange.req.url ?? '/'}`,
      upstreamHeaders: exchange.req.headers,
      onRefused: (reason) => frames.refuse(refusedStart(reason), 'bad_request'),
      authorize: (classification) => frames.decide(classification),
    });
    // The completion record says why the relay ended when the proxy ended it.
    const idle = outcome.idle ? { error: new ChangegateError('request_timeout', `the WebSocket was closed (${IDLE_CLOSE_CODE}) after ${options.idleMs} ms idle`) } : {};
    return { status: outcome.status, bytesOut: upgrade.socket.bytesWritten, durationMs: performance.now() - started, ...idle };
  };
}

function refusedStart(reason: string): Classification {
  return { action: 'dagster.ws.refused', resource: { upstream: 'dagster', route: 'graphql-ws', reason }, body: { kind: 'untouched' } };
}
