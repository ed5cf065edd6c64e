// The forward stage: hands a decided, stamped request to its upstream over a keep-alive pool
// and streams the response back with backpressure. Upstream failures become 502, a missing
// response within the route's timeout becomes 504.

import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import { setCookiesFromUpstream } from '../auth/session/forward.js';
import { ChangegateError } from '../errors.js';
import { endSocketWithError, sendError } from './respond.js';
import type { Route } from './routes.js';
import type { ForwardBody, ResponseTap } from './types.js';

export interface ForwardOutcome {
  readonly status: number;
  readonly bytesOut: number;
  readonly durationMs: number;
  /** Set when no complete upstream response reached the client. */
  readonly error?: ChangegateError;
  /** Set when the upstream answered; lets stampers read response headers. */
  readonly responseHeaders?: http.IncomingHttpHeaders;
  /** What the classifier's response tap learned from the response. */
  readonly learned?: Readonly<Record<string, unknown>>;
}

/** A WebSocket handshake: the raw client socket and the bytes read past the request head. */
export interface Upgrade {
  readonly socket: Socket;
  readonly head: Buffer;
}

interface InFlight {
  readonly route: Route;
  timer: NodeJS.Timeout | undefined;
  timedOut: boolean;
  /** The upstream request, once created: aborted when the client's request breaks. */
  upstream: http.ClientRequest | undefined;
  status: number;
  bytesOut: number;
  responseHeaders: http.IncomingHttpHeaders | undefined;
  readonly tap: ResponseTap | undefined;
}

const inFlight = new WeakMap<http.IncomingMessage, InFlight>();

export class Forwarder {
  readonly #proxy: ProxyServer;
  readonly #agents = new Map<string, http.Agent>();

  constructor() {
    this.#proxy = createProxyServer({});
    this.#proxy.on('proxyReq', (proxyReq, req) => {
      const state = inFlight.get(req);
      if (state === undefined) return;
      state.upstream = proxyReq;
      const expire = (): void => {
        state.timedOut = true;
        proxyReq.destroy();
      };
      // Two clocks, both the route's timeout: the upstream must answer within it once the
      // request is fully sent, and the connection may not sit idle longer than it while a long
      // body streams (so a 1 GiB push is not cut off, but a stalled upstream is).
      proxyReq.once('finish', () => {
        if (state.status === 0) state.timer = setTimeout(expire, state.route.config.timeoutMs);
      });
      proxyReq.setTimeout(state.route.config.timeoutMs, () => {
        if (state.status === 0) expire();
      });
    });
    this.#proxy.on('proxyRes', (proxyRes, req, res) => {
      const state = inFlight.get(req);
      if (state === undefined) return;
      proxyRes.headers['set-cookie'] = mergeSetCookies(res.getHeader('set-cookie'), proxyRes.headers['set-cookie']);
      clearTimeout(state.timer);
      state.status = proxyRes.statusCode ?? 502;
      state.responseHeaders = proxyRes.headers;
      const tap = state.tap;
      proxyRes.on('data', (chunk: Buffer) => {
        state.bytesOut += chunk.length;
        tap?.push(chunk);
      });
    });
  }

  #agent(route: Route): http.Agent {
    const key = route.target.origin;
    let agent = this.#agents.get(key);
    if (agent === undefined) {
      const options = { keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' as const };
      agent = route.target.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
      this.#agents.set(key, agent);
    }
    return agent;
  }

  /**
   * Forwards `req` (whose url and headers the caller has already rewritten) and resolves when
   * the exchange is over, successfully or not. Never rejects.
   */
  web(req: http.IncomingMessage, res: http.ServerResponse, route: Route, body: ForwardBody, tap?: ResponseTap): Promise<ForwardOutcome> {
    const started = performance.now();
    const state: InFlight = { route, timer: undefined, timedOut: false, upstream: undefined, status: 0, bytesOut: 0, responseHeaders: undefined, tap };
    inFlight.set(req, state);
    return new Promise<ForwardOutcome>((resolve) => {
      let settled = false;
      const settle = (error?: ChangegateError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(state.timer);
        const learned = state.tap?.learned();
        const outcome: ForwardOutcome = {
          status: error?.status ?? state.status,
          bytesOut: state.bytesOut,
          durationMs: performance.now() - started,
          ...(error === undefined ? {} : { error }),
          ...(state.responseHeaders === undefined ? {} : { responseHeaders: state.responseHeaders }),
          ...(learned === undefined ? {} : { learned }),
        };
        resolve(outcome);
      };
      res.once('finish', () => settle(state.status === 0 ? upstreamError(state, undefined) : undefined));
      res.once('close', () => {
        if (!res.writableFinished) settle(upstreamError(state, new Error('client closed the connection')));
      });
      this.#proxy.web(
        req,
        res,
        {
          target: route.target.origin,
          agent: this.#agent(route),
          // Forward req.url verbatim: it is the normalized path that policy saw, and must not be
          // re-parsed (a WHATWG URL parse would reinterpret it).
          toProxy: true,
          ...(body.kind === 'untouched' ? {} : { buffer: body.kind === 'buffered' ? Readable.from([body.bytes]) : body.stream }),
        },
        (err) => {
          // Whatever failed (the upstream, or the client's own request framing), the upstream
          // must not be left holding half a request it might act on.
          state.upstream?.destroy();
          const error = upstreamError(state, err);
          settle(error);
          sendError(res, error, String(req.headers['x-request-id'] ?? ''));
        },
      );
    });
  }

  /**
   * Tunnels an authorised WebSocket upgrade and resolves when the tunnel closes. The upstream's
   * 101 (or its refusal) is relayed by http-proxy; a connection failure becomes a 502 written
   * on the client socket, which at that point still speaks HTTP.
   */
  ws(req: http.IncomingMessage, res: http.ServerResponse, upgrade: Upgrade, route: Route): Promise<ForwardOutcome> {
    const started = performance.now();
    return new Promise<ForwardOutcome>((resolve) => {
      let failed: ChangegateError | undefined;
      upgrade.socket.once('close', () =>
        resolve({ status: failed?.status ?? 101, bytesOut: upgrade.socket.bytesWritten, durationMs: performance.now() - started, ...(failed ? { error: failed } : {}) }),
      );
      // From here the socket is a tunnel, not an HTTP response.
      res.detachSocket(upgrade.socket);
      this.#proxy.ws(req, upgrade.socket, upgrade.head, { target: route.target.origin, toProxy: true }, (err) => {
        failed = new ChangegateError('upstream_unavailable', `${route.upstream} is unreachable: ${describe(err)}`);
        endSocketWithError(upgrade.socket, failed, String(req.headers['x-request-id'] ?? ''));
      });
    });
  }

  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#proxy.close();
  }
}

/**
 * http-proxy copies upstream headers over the response, which would drop a session cookie the
 * proxy set on it; ours go first, and the upstream may not set cookies in our namespace.
 */
function mergeSetCookies(ours: number | string | string[] | undefined, upstream: string[] | undefined): string[] {
  const own = ours === undefined ? [] : Array.isArray(ours) ? ours : [String(ours)];
  return [...own, ...setCookiesFromUpstream(upstream)];
}

function upstreamError(state: InFlight, err: unknown): ChangegateError {
  const name = state.route.upstream;
  if (state.timedOut) {
    return new ChangegateError('upstream_timeout', `${name} did not answer within ${state.route.config.timeoutMs} ms`);
  }
  return new ChangegateError('upstream_unavailable', `${name} is unreachable: ${describe(err)}`);
}

function describe(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : 'connection failed';
}
