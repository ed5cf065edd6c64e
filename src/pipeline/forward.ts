// The forward stage: hands a decided, stamped request to its upstream over a keep-alive pool
// and streams the response back with backpressure. Upstream failures become 502, a missing
// response within the route's timeout becomes 504.
//
// HTTP goes through undici's dispatcher: it does about half the work per request of an
// http.Agent-based proxy (bench/), and its handler API gives the response to us chunk by chunk
// with pause/resume, which is all a streaming relay needs. WebSocket tunnels stay on http-proxy.

import type http from 'node:http';
import type { ProxyServer } from 'http-proxy-3';
import { Pool, type Dispatcher } from 'undici';
import { ChangegateError } from '../errors.js';
import type { CookieRule } from '../http/cookies.js';
import { endSocketWithError, sendError } from '../http/respond.js';
import { clientResponseHeaders, headerList } from '../http/response-headers.js';
import type { Classification, ForwardOutcome, ResponseRewrite, ResponseTap, Upgrade, Upstream } from './types.js';

/** What classification decided about the bodies: the request's, and what to do with the response's. */
export type ForwardPlan = Pick<Classification, 'body' | 'responseTap' | 'responseRewrite'>;

export interface ForwarderOptions {
  /** Set-Cookie names an upstream may not plant in the browser (ours, and any upstream's session). */
  readonly dropSetCookie: CookieRule;
  /** A raw WebSocket tunnel with no byte either way for this long is closed. */
  readonly webSocketIdleMs: number;
}

export class Forwarder {
  readonly #pools = new Map<string, Pool>();
  readonly #dropSetCookie: CookieRule;
  readonly #webSocketIdleMs: number;
  #tunnels: ProxyServer | undefined;

  constructor(options: ForwarderOptions) {
    this.#dropSetCookie = options.dropSetCookie;
    this.#webSocketIdleMs = options.webSocketIdleMs;
  }

  #pool(upstream: Upstream): Pool {
    const origin = upstream.route.target.origin;
    let pool = this.#pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, { connections: 256, pipelining: 1 });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  /**
   * Forwards `req` (whose url and headers the caller has already rewritten) and resolves when
   * the exchange is over, successfully or not. Never rejects.
   */
  web(req: http.IncomingMessage, res: http.ServerResponse, upstream: Upstream, plan: ForwardPlan): Promise<ForwardOutcome> {
    const route = upstream.route;
    const started = performance.now();
    return new Promise<ForwardOutcome>((resolve) => {
      const relay = new Relay(res, upstream, this.#dropSetCookie, plan.responseTap, plan.responseRewrite, (error) => {
        const learned = plan.responseTap?.learned();
        resolve({
          // A client that left after the upstream answered: the record keeps the upstream's status.
          status: error === undefined || (error.code === 'client_closed' && relay.status > 0) ? relay.status : error.status,
          bytesOut: relay.bytesOut,
          durationMs: performance.now() - started,
          ...(error === undefined ? {} : { error }),
          ...(relay.responseHeaders === undefined ? {} : { responseHeaders: relay.responseHeaders }),
          ...(learned === undefined ? {} : { learned }),
        });
      });
      // Gone while the decision was being written: not sent, and ended as a hang-up later would be.
      if (res.destroyed) return relay.clientClosed();
      res.once('close', () => relay.clientClosed());
      this.#pool(upstream).dispatch(
        {
          origin: route.target.origin,
          // req.url verbatim: it is the normalized path that policy saw, and must not be
          // re-parsed (a WHATWG URL parse would reinterpret it).
          path: req.url ?? '/',
          method: req.method ?? 'GET',
          // Stamped: hop-by-hop headers and Expect are gone, which undici insists on.
          headers: req.headers as Record<string, string | string[]>,
          body: requestBody(req, plan),
          // Both clocks are the route's timeout: the upstream must answer within it once the
          // request is sent, and its response may not sit idle longer than it (so a long clone
          // streams, but a stalled upstream is cut off).
          headersTimeout: route.timeoutMs,
          bodyTimeout: route.timeoutMs,
        },
        relay,
      );
    });
  }

  /**
   * Tunnels an authorised WebSocket upgrade and resolves when the tunnel closes. The upstream's
   * 101 (or its refusal) is relayed by http-proxy; a connection failure becomes a 502 written
   * on the client socket, which at that point still speaks HTTP.
   */
  async ws(req: http.IncomingMessage, res: http.ServerResponse, upgrade: Upgrade, upstream: Upstream): Promise<ForwardOutcome> {
    const started = performance.now();
    // Loaded on the first raw tunnel, not at start: most configurations never open one (cold start).
    this.#tunnels ??= (await import('http-proxy-3')).createProxyServer({});
    const tunnels = this.#tunnels;
    return new Promise<ForwardOutcome>((resolve) => {
      let failed: ChangegateError | undefined;
      let idle: ChangegateError | undefined;
      upgrade.socket.once('close', () => {
        const error = failed ?? idle;
        resolve({ status: failed?.status ?? 101, bytesOut: upgrade.socket.bytesWritten, durationMs: performance.now() - started, ...(error ? { error } : {}) });
      });
      // From here the socket is a tunnel, not an HTTP response.
      res.detachSocket(upgrade.socket);
      tunnels.ws(req, upgrade.socket, upgrade.head, { target: upstream.route.target.origin, toProxy: true }, (err) => {
        failed = new ChangegateError('upstream_unavailable', `${upstream.name} is unreachable: ${describe(err)}`);
        endSocketWithError(upgrade.socket, failed, String(req.headers['x-request-id'] ?? ''));
      });
      // After http-proxy's own setup, which clears the socket's timeout. The tunnel's frames are
      // opaque here, so an idle one is cut without a close frame (the Dagster relay sends one).
      upgrade.socket.setTimeout(this.#webSocketIdleMs, () => {
        idle = new ChangegateError('request_timeout', `the WebSocket was closed after ${this.#webSocketIdleMs} ms with no traffic`);
        upgrade.socket.destroy();
      });
    });
  }

  async close(): Promise<void> {
    this.#tunnels?.close();
    await Promise.all([...this.#pools.values()].map((pool) => pool.destroy()));
  }
}

/**
 * One upstream exchange, as undici's dispatch handler: relays the response onto `res` with
 * backpressure, feeds the tap, buffers a response that is to be rewritten, and reports the end
 * exactly once.
 */
class Relay implements Dispatcher.DispatchHandler {
  status = 0;
  bytesOut = 0;
  responseHeaders: http.IncomingHttpHeaders | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  /** Body held back for the rewrite; undefined when streaming through. */
  #held: Buffer[] | undefined;
  #heldBytes = 0;
  #settled = false;

  constructor(
    private readonly res: http.ServerResponse,
    private readonly upstream: Upstream,
    private readonly dropSetCookie: CookieRule,
    private readonly tap: ResponseTap | undefined,
    private readonly rewrite: ResponseRewrite | undefined,
    private readonly done: (error: ChangegateError | undefined) => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // The client left while this request waited for a connection: it is not sent.
    if (this.#settled) controller.abort(new Error('client closed the connection'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // 100 Continue and friends: Node already answered the client's
    this.status = statusCode;
    this.responseHeaders = headers;
    if (this.rewrite !== undefined && statusCode < 300 && headers['content-encoding'] === undefined) {
      this.#held = [];
      return;
    }
    this.#writeHead(headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytesOut += chunk.length;
    this.tap?.push(chunk);
    if (this.#held !== undefined) {
      this.#heldBytes += chunk.length;
      this.#held.push(chunk);
      // Too large to rewrite: it goes through as the upstream sent it. Enforcement does not
      // depend on the rewrite (the mutations themselves are decided), only the UI hints do.
      if (this.#heldBytes > (this.rewrite?.maxBytes ?? 0)) this.#release();
      return;
    }
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    if (this.#held !== undefined && this.rewrite !== undefined) {
      const body = this.rewrite.rewrite(Buffer.concat(this.#held, this.#heldBytes));
      this.#held = undefined;
      this.#writeHead({ ...this.responseHeaders, 'content-length': String(body.length) });
      this.res.end(body);
    } else {
      this.res.end();
    }
    this.#settle(undefined);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    // The abort clientClosed() asked for: the exchange is settled already, and nobody is listening.
    if (this.#settled) return;
    const error = upstreamError(this.upstream, err);
    if (this.res.headersSent) this.res.destroy(err); // a half-sent response cannot become an error page
    else sendError(this.res, error, String(this.res.req.headers['x-request-id'] ?? ''));
    this.#settle(error);
  }

  clientClosed(): void {
    if (this.res.writableFinished) return;
    // Settled before the abort, whose onResponseError would otherwise blame the upstream (502).
    this.#settle(new ChangegateError('client_closed', 'the client closed the connection before the response was complete'));
    this.#controller?.abort(new Error('client closed the connection'));
  }

  #release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    this.#writeHead(this.responseHeaders ?? {});
    for (const chunk of held) this.res.write(chunk);
  }

  #writeHead(headers: Record<string, string | string[] | undefined>): void {
    this.res.writeHead(this.status, clientResponseHeaders(headers, headerList(this.res.getHeader('set-cookie')), this.dropSetCookie));
  }

  #settle(error: ChangegateError | undefined): void {
    if (this.#settled) return;
    this.#settled = true;
    this.done(error);
  }
}

function requestBody(req: http.IncomingMessage, plan: ForwardPlan): Dispatcher.DispatchOptions['body'] {
  const body = plan.body;
  if (body.kind === 'buffered') return body.bytes;
  if (body.kind === 'stream') return body.stream;
  const length = req.headers['content-length'];
  // A body-less request must go out body-less; otherwise the client's own stream goes through,
  // framed by its Content-Length or chunked.
  if (length === '0' || (length === undefined && (req.method === 'GET' || req.method === 'HEAD'))) return null;
  return req;
}

function upstreamError(upstream: Upstream, err: unknown): ChangegateError {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new ChangegateError('upstream_timeout', `${upstream.name} did not answer within ${upstream.route.timeoutMs} ms`);
  }
  return new ChangegateError('upstream_unavailable', `${upstream.name} is unreachable: ${describe(err)}`);
}

function describe(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (typeof cause === 'string') return cause;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : 'connection failed';
}
