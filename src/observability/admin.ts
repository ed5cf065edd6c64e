// The admin listener: plain node:http on its own port, never on the ingress. Serves /metrics,
// /healthz (liveness plus upstream reachability, which is reported but never gates anything)
// and /readyz (every required readiness probe ready). Other parts add routes with route(), such
// as the Gerrit webhook. Unknown paths get the standard JSON error body.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChangegateError } from '../errors.js';
import { parseListen, type ListenTarget } from '../config/listen.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { UpstreamProber } from './prober.js';
import { Readiness, type ReadinessReport } from './readiness.js';
// The ingress's response helpers: both listeners answer in one JSON shape.
import { sendError, sendJson } from '../http/respond.js';

export type AdminHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => void | Promise<void>;

export interface AdminOptions {
  readonly metrics: Metrics;
  readonly readiness?: Readiness;
  readonly prober?: UpstreamProber;
  readonly logger?: Logger;
  /** The report /readyz gives, when it is not this process's own (a cluster worker's). */
  readonly report?: () => Promise<ReadinessReport>;
}

export class AdminServer {
  readonly readiness: Readiness;
  readonly #routes = new Map<string, Map<string, AdminHandler>>();
  readonly #server: Server;
  readonly #options: AdminOptions;

  constructor(options: AdminOptions) {
    this.#options = options;
    this.readiness = options.readiness ?? new Readiness();
    this.#server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => void this.#handle(req, res));
    this.route('GET', '/metrics', (_req, res) => this.#metrics(res));
    this.route('GET', '/healthz', (_req, res) => this.#healthz(res));
    this.route('GET', '/readyz', (_req, res) => this.#readyz(res));
  }

  /** Add a route (exact path, query ignored). GET routes also answer HEAD. */
  route(method: string, path: string, handler: AdminHandler): void {
    const m = method.toUpperCase();
    const byMethod = this.#routes.get(path) ?? new Map<string, AdminHandler>();
    if (byMethod.has(m)) throw new TypeError(`admin route ${m} ${path} is already registered`);
    byMethod.set(m, handler);
    this.#routes.set(path, byMethod);
  }

  async listen(address: string | ListenTarget): Promise<AddressInfo> {
    const target = typeof address === 'string' ? parseListen(address) : address;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(target.port, target.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#options.prober?.start();
    return this.#server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    this.#options.prober?.stop();
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    try {
      const path = new URL(req.url ?? '/', 'http://admin.invalid').pathname;
      const byMethod = this.#routes.get(path);
      if (byMethod === undefined) {
        return sendError(res, new ChangegateError('not_found', `no admin route ${path}`), requestId);
      }
      const method = req.method ?? 'GET';
      const handler = byMethod.get(method) ?? (method === 'HEAD' ? byMethod.get('GET') : undefined);
      if (handler === undefined) {
        const allow = [...byMethod.keys()].join(', ');
        return sendError(res, new ChangegateError('method_not_allowed', `${path} accepts ${allow}`, { headers: { allow } }), requestId);
      }
      await handler(req, res, requestId);
    } catch (e) {
      this.#options.logger?.error({ requestId, err: e }, 'admin route failed');
      if (!res.headersSent) {
        const err = e instanceof ChangegateError ? e : new ChangegateError('internal', 'admin route failed');
        sendError(res, err, requestId);
      } else {
        res.destroy();
      }
    }
  }

  async #metrics(res: ServerResponse): Promise<void> {
    this.#options.metrics.setReady(this.readiness.check().ready);
    const { contentType, body } = await this.#options.metrics.render();
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    res.end(body);
  }

  #healthz(res: ServerResponse): void {
    sendJson(res, 200, { status: 'ok', upstreams: this.#options.prober?.snapshot() ?? {} });
  }

  async #readyz(res: ServerResponse): Promise<void> {
    const report = this.#options.report === undefined ? this.readiness.check() : await this.#options.report();
    this.#options.metrics.setReady(report.ready);
    if (report.ready) sendJson(res, 200, { status: 'ready', checks: report.checks });
    else sendJson(res, 503, { status: 'not_ready', notReady: report.notReady, checks: report.checks });
  }
}

export function createAdminServer(options: AdminOptions): AdminServer {
  return new AdminServer(options);
}
