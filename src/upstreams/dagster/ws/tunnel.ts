// Dagster's WebSocket tunnel (`Upstream.tunnel`): what the pipeline runs, instead of a raw
// tunnel, for an allowed upgrade. The graphql-ws relay, with each `start` decided and audited
// write-ahead through the pipeline's own decide + audit stages (`FrameGate`), under the request
// id `<handshake id>/ws<n>`; a `start` refused before any decision is recorded as
// `dagster.ws.refused`.

import type { Classification, ForwardOutcome, FrameGate, Exchange } from '../../../pipeline/types.js';
import type { StartJudgeOptions } from './judge.js';
import { relayGraphqlWs } from './relay.js';

export interface GraphqlWsTunnelOptions extends StartJudgeOptions {
  readonly maxFrameBytes: number;
}

export type GraphqlWsTunnel = (exchange: Exchange, frames: FrameGate) => Promise<ForwardOutcome>;

export function graphqlWsTunnel(options: GraphqlWsTunnelOptions): GraphqlWsTunnel {
  return async (exchange, frames) => {
    const upgrade = exchange.upgrade;
    if (upgrade === undefined) throw new TypeError('graphqlWsTunnel handles WebSocket upgrades only');
    const started = performance.now();
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
    return { status: outcome.status, bytesOut: upgrade.socket.bytesWritten, durationMs: performance.now() - started };
  };
}

function refusedStart(reason: string): Classification {
  return { action: 'dagster.ws.refused', resource: { upstream: 'dagster', route: 'graphql-ws', reason }, body: { kind: 'untouched' } };
}
