// The admin builder: /metrics, /healthz (with the reachability of every routed upstream) and
// /readyz on the admin listener, for one process or for the whole cluster, plus the routes
// upstreams serve there (Gerrit's webhooks).

import type { Logger } from '../observability/logger.js';
import { createAdminServer, type AdminServer } from '../observability/admin.js';
import type { Metrics } from '../observability/metrics.js';
import { UpstreamProber } from '../observability/prober.js';
import type { Readiness } from '../observability/readiness.js';
import type { RouteTable } from '../pipeline/route-table.js';
import { PLACEHOLDER_NAME } from '../deployments/placeholder.js';
import type { ClusterViews } from './cluster-ipc.js';

export interface AdminDeps {
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly logger: Logger;
  readonly routes: RouteTable;
  /** In a cluster worker: the views of the whole cluster. */
  readonly cluster: ClusterViews | undefined;
}

export function buildAdmin({ metrics, readiness, logger, routes, cluster }: AdminDeps): AdminServer {
  // Probes whatever is routed to at the time: upstreams added later are probed too.
  const prober = new UpstreamProber({ targets: () => Object.fromEntries(routes.list().filter((u) => u.name !== PLACEHOLDER_NAME).map((u) => [u.name, u.route.target.origin])) });
  const admin = createAdminServer({
    metrics: cluster === undefined ? metrics : { ...metrics, render: () => cluster.metrics() },
    readiness,
    ...(cluster === undefined ? {} : { report: () => cluster.readiness() }),
    prober,
    logger,
  });
  for (const upstream of routes.list()) for (const r of upstream.adminRoutes ?? []) admin.route(r.method, r.path, (req, res, id) => r.handle(req, res, id));
  return admin;
}
