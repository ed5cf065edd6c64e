// The ingress: what every request meets first. It assigns the request id, rejects what cannot
// be parsed safely, normalizes the target once, and then either serves a proxy-owned route
// (/.changegate/...) or hands the request to the pipeline for the upstream instance its route
// names. The request holds that instance until the pipeline is done with it (route-table.ts).

import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { ChangegateError } from '../errors.js';
import { setBodyDeadlines, type BodyDeadlines } from '../http/body-deadline.js';
import { admitRequest } from '../http/hygiene.js';
import type { TargetLimits } from '../http/normalize.js';
import { sendError } from '../http/respond.js';
import type { TrustedProxies } from '../http/trusted-proxies.js';
import { runPipeline, type PipelineDeps } from './pipeline.js';
import type { RouteTable } from './route-table.js';
import type { Exchange } from './types.js';

export const OWN_PREFIX = '/.changegate';

export interface IngressDeps {
  readonly trusted: TrustedProxies;
  readonly limits: TargetLimits;
  /** How long a body the classifiers read may take (src/http/body-deadline.ts). */
  readonly bodyDeadlines: BodyDeadlines;
  readonly routes: RouteTable;
  readonly pipeline: PipelineDeps;
  /** Serves /.changegate/... (sign-in, tokens, JWKS). */
  own(req: IncomingMessage, res: ServerResponse): void;
  /** Why the proxy cannot decide right now (no policy, no audit sink), or undefined. */
  notReady(): ChangegateError | undefined;
  /** Called with anything thrown past the pipeline: a bug, logged with the request id. */
  onInternalError(error: unknown, requestId: string): void;
  /** Observes requests refused before the pipeline. */
  onRefused(req: IncomingMessage, status: number, requestId: string): void;
}

export interface Ingress {
  request(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void;
}

export function createIngress(deps: IngressDeps): Ingress {
  const admit = (req: IncomingMessage, res: ServerResponse, upgrade: Exchange['upgrade']): void => {
    const admission = admitRequest(req, deps);
    const id = admission.requestId;
    res.setHeader('x-request-id', id);
    const refuse = (error: ChangegateError): void => {
      sendError(res, error, id);
      deps.onRefused(req, error.status, id);
    };
    if (admission.kind === 'refused') return refuse(admission.error);
    if (admission.kind === 'asterisk') return refuse(new ChangegateError('not_found', 'OPTIONS * is not served; ask about a path'));
    const { target, client } = admission;
    if (target.path === OWN_PREFIX || target.path.startsWith(`${OWN_PREFIX}/`)) {
      if (upgrade !== undefined) return refuse(new ChangegateError('not_found', 'no WebSocket endpoint here'));
      req.url = target.query === '' ? target.path : `${target.path}?${target.query}`;
      deps.own(req, res);
      return;
    }
    const upstream = deps.routes.match(client.host, target.path);
    if (upstream === undefined) return refuse(new ChangegateError('not_found', `no upstream is configured for ${target.path}`));
    // The upstream's own admission rules (Dagster refuses %2F, which its router would decode).
    const inadmissible = upstream.admit?.(target);
    if (inadmissible !== undefined) return refuse(inadmissible);
    const unavailable = deps.notReady();
    if (unavailable !== undefined) return refuse(unavailable);
    setBodyDeadlines(req, deps.bodyDeadlines);
    const exchange: Exchange = { req, res, requestId: id, client, target, upstream, ...(upgrade ? { upgrade } : {}) };
    const release = deps.routes.enter(upstream);
    runPipeline(exchange, deps.pipeline)
      .catch((e: unknown) => deps.onInternalError(e, id))
      .finally(release);
  };

  return {
    request: (req, res) => admit(req, res, undefined),
    upgrade: (req, socket, head) => {
      // A response object on the raw socket lets refusals use the same code path as HTTP;
      // a tunnel detaches it again (forward.ts).
      const res = new ServerResponse(req);
      res.assignSocket(socket);
      res.shouldKeepAlive = false;
      res.once('finish', () => socket.destroySoon());
      socket.on('error', () => socket.destroy());
      admit(req, res, { socket, head });
    },
  };
}
