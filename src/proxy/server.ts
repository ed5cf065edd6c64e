// The composition root: builds every component from the config, wires them into the ingress
// and the pipeline, and listens. Nothing else knows how the pieces fit.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import helmet from 'helmet';
import { AssertionSigner } from '../auth/assertion.js';
import { authenticationChain } from '../auth/authenticate.js';
import { BearerAuthenticator } from '../auth/bearer.js';
import { createBrowserAuth } from '../auth/routes/setup.js';
import { respondUnauthenticated } from '../auth/session/challenge.js';
import { isProxyOrGerritSessionCookie } from '../auth/session/forward.js';
import type { Authenticator } from '../auth/types.js';
import { FileAuditSink } from '../audit/file-sink.js';
import { NotifyingAuditSink } from '../audit/notifying-sink.js';
import { auditSinkOptions } from '../audit/options.js';
import { GerritRunNotifier } from '../audit/run-notifier.js';
import type { AuditSink } from '../audit/types.js';
import type { Config } from '../config/schema.js';
import { ChangegateError } from '../errors.js';
import { createDagsterClassifierFromConfig, dagsterDeployment, dagsterLookup } from '../dagster/from-config.js';
import { loadDagsterSchema } from '../dagster/schema.js';
import { createDagsterWsHook } from '../dagster/ws/pipeline-hook.js';
import { createGerritClassifierFromConfig } from '../gerrit/classifier.js';
import { mountGerritWebhooks, revokeOnProxiedClose, type ChangeClosedDeps } from '../gerrit/events/wiring.js';
import { assertionJwks, loadAssertionKey } from '../identity/assertion-key.js';
import { createAdminServer } from '../observability/admin.js';
import { createLogger, logRequest, type Logger } from '../observability/logger.js';
import { throttled } from '../observability/throttle.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { UpstreamProber } from '../observability/prober.js';
import { Readiness, type ReadinessReport } from '../observability/readiness.js';
import type { ClusterViews } from './cluster-ipc.js';
import { PolicyEngine } from '../policy/engine.js';
import { PolicyWatcher } from '../policy/watch.js';
import { Forwarder } from './forward.js';
import { HeaderPolicy } from './headers.js';
import { createIngress } from './ingress.js';
import type { PipelineDeps } from './pipeline.js';
import { endSocketWithError, sendError } from './respond.js';
import { buildRoutes } from './routes.js';
import { createStamper } from './stamp.js';
import { TrustedProxies } from './trusted-proxies.js';
import { listenOn } from './listen.js';
import { lenientParserReason } from './request-line.js';
import { limitConnections } from './connection-limits.js';
import { WebSocketSlots } from './websocket-slots.js';

export interface StartOptions {
  readonly logger?: Logger;
  /** In a cluster worker: /metrics and /readyz for the whole cluster (see cluster-ipc.ts). */
  readonly clusterViews?: (registry: Metrics['registry'], localReadiness: () => ReadinessReport) => ClusterViews;
}

export interface ChangegateHandle {
  readonly ingress: AddressInfo;
  readonly admin: AddressInfo;
  readonly engine: PolicyEngine;
  /** Stops accepting, drains in-flight requests, then closes everything. */
  close(): Promise<void>;
}

const GERRIT_USERNAME_HEADER = 'X-Forwarded-User';

export async function startChangegate(config: Config, options: StartOptions = {}): Promise<ChangegateHandle> {
  // A lenient HTTP parser would accept the request smuggling shapes the proxy relies on Node
  // to refuse (request-line.ts).
  const lenient = lenientParserReason();
  if (lenient !== undefined) throw new ChangegateError('config_invalid', `refusing to start: ${lenient}`);
  const logger = options.logger ?? createLogger({ level: config.log.level });
  const metrics = createMetrics();
  const readiness = new Readiness();
  readiness.register('config', () => ({ ready: true }));

  const fileSink = await FileAuditSink.open(
    auditSinkOptions(config, {
      mirror: process.stdout,
      warn: (m) => logger.warn({ component: 'audit' }, m),
      observe: { write: (s) => metrics.observeAuditWrite(s), failure: () => metrics.auditFailure() },
    }),
  );
  const browser = await createBrowserAuth(config, { warn: (m) => logger.warn(m), onEvent: (e) => logger.info({ authEvent: e }, 'auth') });
  // A merged or abandoned change takes the access tokens bound to it along (src/gerrit/events).
  const changeClosed: ChangeClosedDeps = { revokeForChange: (n) => browser.pats.onChangeClosed(n), metrics, logger };
  const notifier = runNotifier(config, logger, metrics);
  const audit: AuditSink = revokeOnProxiedClose(notifier === undefined ? fileSink : new NotifyingAuditSink(fileSink, (n) => notifier.notify(n)), changeClosed);
  readiness.register('audit', () => (audit.ready ? { ready: true } : { ready: false, reason: audit.notReadyReason ?? 'not ready' }));

  const engine = new PolicyEngine({
    cacheSize: config.policy.cacheSize,
    cacheTtlMs: 10_000,
    onEvaluate: (seconds, cached) => {
      metrics.policyCache(cached);
      if (!cached) metrics.observePolicyEval(seconds);
    },
  });
  readiness.register('policy', () => (engine.ready ? { ready: true } : { ready: false, reason: 'no policy is loaded' }));
  const watcher = new PolicyWatcher(engine, config.policy, logger, (result) => metrics.policyReload(result));
  await watcher.start();

  const assertionKey = await loadAssertionKey({ stateDir: config.stateDir });
  for (const warning of assertionKey.warnings) logger.warn(warning);
  const assertions = new AssertionSigner({ key: assertionKey.key, issuer: config.publicUrl });

  const authenticators: Authenticator[] = [browser.patAuthenticator];
  if (config.identity.bearer.length > 0) authenticators.push(new BearerAuthenticator(config.identity));
  authenticators.push(browser.sessionAuthenticator);
  const chain = authenticationChain(authenticators);

  const own = express();
  own.disable('x-powered-by');
  own.set('trust proxy', false);
  own.use(helmet());
  own.get('/.changegate/jwks.json', (_req, res) => {
    res.set('cache-control', 'public, max-age=300').json(assertionJwks([assertionKey.key]));
  });
  own.use('/.changegate', browser.router);
  own.use((req, res) => sendError(res, new ChangegateError('not_found', `${req.path} is not a Changegate endpoint`), String(res.getHeader('x-request-id') ?? '')));

  const routes = buildRoutes(config.upstreams);
  const dagsterSchema = config.upstreams.dagster?.graphqlSchema === undefined ? undefined : loadDagsterSchema(config.upstreams.dagster.graphqlSchema);
  // One lookup (and its caches) for HTTP and WebSocket classification alike.
  const dagsterRuns = dagsterLookup(config);
  const dagsterShared = { ...(dagsterSchema === undefined ? {} : { schema: dagsterSchema }), ...(dagsterRuns === undefined ? {} : { lookup: dagsterRuns }) };
  const forwarder = new Forwarder({ webSocketIdleMs: config.limits.webSocketIdleMs });
  const trusted = TrustedProxies.parse(config.trustedProxies);
  const pipeline: PipelineDeps = {
    authenticate: (request) => chain.authenticate(request),
    classifiers: {
      gerrit: createGerritClassifierFromConfig(config, GERRIT_USERNAME_HEADER),
      dagster: createDagsterClassifierFromConfig(config, { ...dagsterShared, decider: engine, gerritUsernameHeader: GERRIT_USERNAME_HEADER }),
    },
    tunnels: {
      dagster: createDagsterWsHook({ decider: engine, audit, maxFrameBytes: config.limits.maxClassifiedBodyBytes, idleMs: config.limits.webSocketIdleMs, deployment: dagsterDeployment(config), ...dagsterShared }),
    },
    websockets: new WebSocketSlots({ max: config.limits.maxWebSockets, maxPerIdentity: config.limits.maxWebSocketsPerIdentity }),
    decider: engine,
    audit,
    stamp: createStamper({
      // Our credentials end here: Authorization (dropped by default) and our cookies never go upstream.
      headerPolicy: new HeaderPolicy({ identityHeaders: [GERRIT_USERNAME_HEADER], dropCookie: isProxyOrGerritSessionCookie }),
      gerritUsernameHeader: GERRIT_USERNAME_HEADER,
      assertions,
    }),
    challenge: (exchange) => respondUnauthenticated(exchange.req, exchange.res, { target: exchange.target, requestId: exchange.requestId, secure: browser.secure }),
    forwarder,
    observe: (exchange, s) => {
      metrics.observeRequest({ upstream: exchange.route.upstream, action: s.action, decision: s.decision, status: s.status, durationSeconds: s.durationMs / 1000 });
      logRequest(logger, {
        requestId: exchange.requestId,
        method: exchange.req.method ?? '',
        path: exchange.target.path,
        upstream: exchange.route.upstream,
        action: s.action,
        decision: s.decision,
        status: s.status,
        reasons: s.reasons,
        ...(s.identity.kind === 'authenticated' ? { subject: s.identity.id } : {}),
        durationMs: s.durationMs,
      });
    },
  };
  // One line per cap per 10 s at most: a flood of refused connections must not flood the log.
  const refusalLog = throttled(10_000, (reason: string, address: string, suppressed: number) =>
    logger.warn({ component: 'connections', reason, address, suppressed }, 'connection refused: over the connection cap'),
  );
  const ingress = createIngress({
    trusted,
    limits: { maxUrlBytes: config.limits.maxUrlBytes },
    bodyDeadlines: { idleMs: config.limits.bodyIdleMs, totalMs: config.limits.bodyTotalMs },
    routes,
    pipeline,
    own: (req, res) => own(req, res),
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

  const server = http.createServer({
    maxHeaderSize: config.limits.maxHeaderBytes,
    // Whole requests, pushes included: generous, since a 1 GiB push streams through it. Bodies
    // the proxy reads to classify have their own, much shorter deadlines (body-deadline.ts).
    requestTimeout: config.limits.requestTimeoutMs,
    headersTimeout: config.limits.headersTimeoutMs,
    keepAliveTimeout: config.limits.keepAliveTimeoutMs,
    // Node checks both timeouts on this period; a tenth of the head's deadline keeps it close.
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(config.limits.headersTimeoutMs / 10))),
    requireHostHeader: true,
    joinDuplicateHeaders: false,
  });
  limitConnections(server, { max: config.limits.maxConnections, maxPerAddress: config.limits.maxConnectionsPerAddress }, {
    trusted,
    onRefused: (reason, address) => {
      metrics.connectionRefused(reason);
      refusalLog(reason, address);
    },
  });
  server.on('request', ingress.request);
  server.on('upgrade', ingress.upgrade);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const error =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? new ChangegateError('headers_too_large', `the request head is larger than ${config.limits.maxHeaderBytes} bytes`)
        : new ChangegateError('bad_request', 'the request could not be parsed as HTTP/1.1');
    endSocketWithError(socket, error, '');
  });


  const prober = new UpstreamProber({ targets: Object.fromEntries(routes.map((r) => [r.upstream, r.target.origin])) });
  const cluster = options.clusterViews?.(metrics.registry, () => readiness.check());
  const admin = createAdminServer({
    metrics: cluster === undefined ? metrics : { ...metrics, render: () => cluster.metrics() },
    readiness,
    ...(cluster === undefined ? {} : { report: () => cluster.readiness() }),
    prober,
    logger,
  });
  mountGerritWebhooks(admin, config, audit, changeClosed);
  const ingressAddress = await listenOn(server, config.listen);
  const adminAddress = await admin.listen(config.admin.listen);
  logger.info({ ingress: ingressAddress, admin: adminAddress, upstreams: routes.map((r) => `${r.upstream} ${r.prefix || '/'} -> ${r.target.origin}`), policy: engine.revision }, 'changegate started');

  let closing: Promise<void> | undefined;
  return {
    ingress: ingressAddress,
    admin: adminAddress,
    engine,
    close: () =>
      (closing ??= (async () => {
        watcher.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await forwarder.close();
        await Promise.all([admin.close(), audit.close(), browser.close(), notifier?.close()]);
      })()),
  };
}

/**
 * Posts a review message on the Gerrit change a Dagster run was launched for. Needs Gerrit's
 * service account and a Dagster route; without them there is nothing to close the loop with.
 */
function runNotifier(config: Config, logger: Logger, metrics: Metrics): GerritRunNotifier | undefined {
  const gerrit = config.upstreams.gerrit;
  const dagster = config.upstreams.dagster;
  if (gerrit?.serviceAccount === undefined || dagster === undefined) return undefined;
  return new GerritRunNotifier({
    gerritUrl: gerrit.url,
    username: gerrit.serviceAccount.username,
    token: gerrit.serviceAccount.token,
    dagsterUiUrl: new URL(dagster.pathPrefix, config.publicUrl).href.replace(/\/$/, ''),
    onResult: (r) => {
      metrics.gerritNotice(r.ok);
      if (r.ok) logger.info({ component: 'gerrit-notifier', change: r.notice.change, runId: r.notice.runId }, 'run posted to Gerrit');
      else logger.warn({ component: 'gerrit-notifier', change: r.notice.change, attempts: r.attempts, error: r.error }, 'could not post run to Gerrit');
    },
  });
}

