// The composition root: startChangegate builds each part with its builder (auth, audit, policy,
// upstreams, admin), puts the upstreams in the route table, wires the ingress and the pipeline,
// and listens. Nothing else knows how the pieces fit, and nothing imports this folder but the
// command line.

import type { AddressInfo } from 'node:net';
import { upstreamCookieRule } from '../auth/session/upstream-cookies.js';
import type { AuditSink } from '../audit/types.js';
import type { Config } from '../config/schema.js';
import { ChangegateError } from '../errors.js';
import { lenientParserReason } from '../http/request-line.js';
import { TrustedProxies } from '../http/trusted-proxies.js';
import { createLogger, logRequest, type Logger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { Readiness, type ReadinessReport } from '../observability/readiness.js';
import { Forwarder } from '../pipeline/forward.js';
import { createIngress, type Ingress } from '../pipeline/ingress.js';
import type { PipelineDeps } from '../pipeline/pipeline.js';
import { RouteTable } from '../pipeline/route-table.js';
import { createStamper } from '../pipeline/stamp.js';
import { WebSocketSlots } from '../pipeline/websocket-slots.js';
import type { Upstream } from '../pipeline/types.js';
import type { PolicyEngine } from '../policy/engine.js';
import { buildAdmin } from './admin.js';
import { buildAudit } from './audit.js';
import { buildAuth, type Auth } from './auth.js';
import type { ClusterViews } from './cluster-ipc.js';
import { ingressServer, listenOn } from './listen.js';
import { buildPolicy } from './policy.js';
import { buildDeployments, type Deployments } from './deployments.js';
import { buildUpstreams } from './upstreams.js';

export interface StartOptions {
  readonly logger?: Logger;
  /** In a cluster worker: /metrics and /readyz for the whole cluster (see cluster-ipc.ts). */
  readonly clusterViews?: (registry: Metrics['registry'], localReadiness: () => ReadinessReport) => ClusterViews;
}

export interface ChangegateHandle {
  readonly ingress: AddressInfo;
  readonly admin: AddressInfo;
  readonly engine: PolicyEngine;
  /** The upstream instances served; add and remove them while serving. */
  readonly routes: RouteTable;
  /** The branch-deployment loop and deploy on merge (inert unless configured). */
  readonly deployments: Deployments;
  /** Stops accepting, drains in-flight requests, then closes everything. */
  close(): Promise<void>;
}

export async function startChangegate(config: Config, options: StartOptions = {}): Promise<ChangegateHandle> {
  // A lenient HTTP parser would accept the request smuggling shapes the proxy relies on Node
  // to refuse (request-line.ts).
  const lenient = lenientParserReason();
  if (lenient !== undefined) throw new ChangegateError('config_invalid', `refusing to start: ${lenient}`);
  const logger = options.logger ?? createLogger({ level: config.log.level });
  const metrics = createMetrics();
  const readiness = new Readiness();
  readiness.register('config', () => ({ ready: true }));

  const audit = await buildAudit(config, logger, metrics, readiness);
  const auth = await buildAuth(config, logger);
  const policy = await buildPolicy(config, logger, metrics, readiness);
  // Gerrit tells the branch-deployment loop of changes; the loop is built once the routes exist.
  let loop: Pick<Deployments, 'signal' | 'impact'> | undefined;
  const built = buildUpstreams(config, {
    limits: config.limits,
    decider: policy.engine,
    audit,
    metrics,
    logger,
    revokeForChange: auth.revokeForChange,
    onChange: (s) => loop?.signal(s),
    ...(config.deployments === undefined ? {} : { impact: (n: number, project: string, revision: string | null) => loop?.impact(n, project, revision) }),
  });
  const routes = new RouteTable(built.upstreams);
  const deployments = await buildDeployments(config, { routes, audit, decider: policy.engine, auth, logger, upstreamDeps: built.deps });
  loop = deployments;
  // Our cookies, and every upstream's session cookies, never pass the proxy in either direction.
  const dropCookie = upstreamCookieRule((name) => routes.isSessionCookie(name));
  const forwarder = new Forwarder({ dropSetCookie: dropCookie, webSocketIdleMs: config.limits.webSocketIdleMs });
  const trusted = TrustedProxies.parse(config.trustedProxies);
  const ingress = buildIngress(config, { auth, audit, engine: policy.engine, routes, forwarder, stamp: createStamper({ dropCookie, assertions: auth.assertions }), trusted, metrics, logger });

  const server = ingressServer(config, ingress, { trusted, metrics, logger });
  const admin = buildAdmin({ metrics, readiness, logger, routes, cluster: options.clusterViews?.(metrics.registry, () => readiness.check()) });
  const ingressAddress = await listenOn(server, config.listen);
  const adminAddress = await admin.listen(config.admin.listen);
  logger.info({ ingress: ingressAddress, admin: adminAddress, upstreams: routes.list().map(describe), policy: policy.engine.revision }, 'changegate started');
  await deployments.start();

  let closing: Promise<void> | undefined;
  return {
    ingress: ingressAddress,
    admin: adminAddress,
    engine: policy.engine,
    routes,
    deployments,
    close: () =>
      (closing ??= (async () => {
        policy.stop();
        await deployments.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await forwarder.close();
        await Promise.all([admin.close(), audit.close(), auth.close(), built.close(), ...routes.list().map((u) => u.close?.())]);
      })()),
  };
}

interface IngressParts {
  readonly auth: Auth;
  readonly audit: AuditSink;
  readonly engine: PolicyEngine;
  readonly routes: RouteTable;
  readonly forwarder: Forwarder;
  readonly stamp: PipelineDeps['stamp'];
  readonly trusted: TrustedProxies;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/** The ingress and the pipeline behind it, reporting every request to metrics and the access log. */
function buildIngress(config: Config, { auth, audit, engine, routes, forwarder, stamp, trusted, metrics, logger }: IngressParts): Ingress {
  const pipeline: PipelineDeps = {
    authenticate: auth.authenticate,
    decider: engine,
    audit,
    stamp,
    challenge: auth.challenge,
    forwarder,
    websockets: new WebSocketSlots({ max: config.limits.maxWebSockets, maxPerIdentity: config.limits.maxWebSocketsPerIdentity }),
    observe: (exchange, s) => {
      metrics.observeRequest({ upstream: exchange.upstream.kind, action: s.action, decision: s.decision, status: s.status, durationSeconds: s.durationMs / 1000 });
      logRequest(logger, {
        requestId: exchange.requestId,
        method: exchange.req.method ?? '',
        path: exchange.target.path,
        upstream: exchange.upstream.kind,
        action: s.action,
        decision: s.decision,
        status: s.status,
        reasons: s.reasons,
        ...(s.identity.kind === 'authenticated' ? { subject: s.identity.id } : {}),
        durationMs: s.durationMs,
      });
    },
    onEffectError: (effect, err, exchange) => logger.error({ err, effect, requestId: exchange.requestId }, 'an after-forward effect failed'),
  };
  return createIngress({
    trusted,
    limits: { maxUrlBytes: config.limits.maxUrlBytes },
    bodyDeadlines: { idleMs: config.limits.bodyIdleMs, totalMs: config.limits.bodyTotalMs },
    routes,
    pipeline,
    own: auth.ownEndpoints,
    notReady: () => {
      if (!engine.ready) return new ChangegateError('policy_unavailable', 'no policy is loaded, so every request is refused (see the proxy log)');
      // With failOpenReads the sink itself lets reads through and refuses writes.
      if (!audit.ready && audit.failOpenReads !== true) return new ChangegateError('audit_unavailable', audit.notReadyReason ?? 'the audit log cannot be written');
      return undefined;
    },
    onInternalError: (e, requestId) => logger.error({ err: e, requestId }, 'internal error'),
    onRefused: (req, status, requestId) => {
      metrics.observeRequest({ upstream: undefined, action: undefined, decision: 'none', status, durationSeconds: 0 });
      logger.info({ requestId, method: req.method, status }, 'refused');
    },
  });
}

/** `dagster /dagster -> http://127.0.0.1:3000 (after forward: announce-run-on-change)`, for the start-up log. */
function describe(u: Upstream): string {
  const effects = u.effects.length === 0 ? '' : ` (after forward: ${u.effects.map((e) => e.name).join(', ')})`;
  return `${u.name} ${u.route.prefix || '/'} -> ${u.route.target.origin}${effects}`;
}
