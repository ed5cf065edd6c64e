// The Gerrit upstream: `gerritUpstream(config, deps)` is everything the pipeline needs to serve
// one Gerrit server: its route, the classifier (git smart HTTP and REST), its session rules
// (GerritAccount never passes; REST goes under /a/), the after-forward effect that revokes the
// tokens of a change closed through us, and the webhook endpoint on the admin listener that
// hears of the changes closed elsewhere.

import type { AuditSink } from '../../audit/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { gerritMetrics } from './metrics.js';
import { routeFromConfig } from '../../pipeline/route-table.js';
import type { AdminRoute, Upstream } from '../../pipeline/types.js';
import { gerritClassifierFromConfig, type GerritConfig } from './classifier.js';
import type { ImpactProvider } from './rest/classify.js';
import { WebhookAccess } from './events/access.js';
import { revokeOnClose } from './events/revoke-on-close.js';
import { signalChanges, type ChangeSignal } from './events/signal.js';
import { GERRIT_WEBHOOK_PATH, gerritWebhookHandler } from './events/route.js';
import { GerritRunNotifier } from './run-notifier.js';
import { GERRIT_USERNAME_HEADER, gerritStamping } from './session.js';

export type { GerritConfig } from './classifier.js';
export type { ChangeSignal } from './events/signal.js';
export type { ImpactProvider } from './rest/classify.js';
export { GerritServiceClient, type ServiceChange, type ServiceMessage } from './service/change-source.js';
export { gerritChangeVisibility } from './change-visibility.js';
export { GERRIT_USERNAME_HEADER } from './session.js';

export interface GerritUpstreamDeps {
  /** The route table's name for this instance (default 'gerrit'). */
  readonly name?: string;
  /** Largest REST body, push command list or webhook event read (limits.maxClassifiedBodyBytes). */
  readonly maxClassifiedBodyBytes: number;
  /** Where webhook deliveries are recorded. */
  readonly audit: AuditSink;
  /** Revokes the access tokens bound to a change (PatService.onChangeClosed); resolves to how many. */
  revokeForChange(change: number): Promise<number>;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Told when a change gets a patch set, closes or reopens (webhook events and requests through us). */
  readonly onChange?: (signal: ChangeSignal) => void;
  /** Change tracking's result for a submit decision (resource.change.impact). */
  readonly impact?: ImpactProvider;
}

type Source = 'webhook' | 'proxy';

export function gerritUpstream(config: GerritConfig, deps: GerritUpstreamDeps): Upstream {
  const metrics = gerritMetrics(deps.metrics.registry);
  const revokeVia = (source: Source) => async (change: number): Promise<number> => {
    const revoked = await deps.revokeForChange(change);
    metrics.patsRevoked(source, revoked);
    if (revoked > 0) deps.logger.info({ component: 'gerrit-events', change, revoked, source }, 'revoked the access tokens bound to a closed change');
    return revoked;
  };
  const revokeProxied = revokeVia('proxy');
  return {
    kind: 'gerrit',
    name: deps.name ?? 'gerrit',
    route: routeFromConfig(config),
    classifier: gerritClassifierFromConfig(config, deps.maxClassifiedBodyBytes, GERRIT_USERNAME_HEADER, deps.impact),
    stamping: gerritStamping,
    effects: [
      // A merged or abandoned change takes the access tokens bound to it along.
      revokeOnClose(({ change, requestId }) => {
        revokeProxied(change).catch((err: unknown) =>
          // The webhook's change-merged / change-abandoned event revokes them again when it arrives.
          deps.logger.error({ component: 'gerrit-events', change, requestId, err }, 'could not revoke the access tokens bound to a closed change'),
        );
      }),
      ...(deps.onChange === undefined ? [] : [signalChanges(deps.onChange)]),
    ],
    adminRoutes: webhookRoutes(config, deps, revokeVia('webhook')),
  };
}

/** POST /gerrit/webhooks on the admin listener, when upstreams.gerrit.webhooks is set. */
function webhookRoutes(config: GerritConfig, deps: GerritUpstreamDeps, revokeForChange: (change: number) => Promise<number>): AdminRoute[] {
  if (config.webhooks === undefined) return [];
  const metrics = gerritMetrics(deps.metrics.registry);
  const handle = gerritWebhookHandler({
    access: new WebhookAccess(config.webhooks),
    audit: deps.audit,
    revokeForChange,
    ...(deps.onChange === undefined ? {} : { onChange: deps.onChange }),
    maxBodyBytes: deps.maxClassifiedBodyBytes,
    observe: (o) => {
      metrics.webhook(o.type, o.outcome);
      if (o.outcome === 'refused' || o.outcome === 'failed') deps.logger.warn({ component: 'gerrit-events', type: o.type, outcome: o.outcome, reason: o.reason }, 'Gerrit webhook not acted on');
    },
  });
  return [{ method: 'POST', path: GERRIT_WEBHOOK_PATH, handle }];
}

export interface RunNoticeDeps {
  /** Where people open the Dagster UI whose runs are announced. */
  readonly dagsterUiUrl: string;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/**
 * Posts review messages on Gerrit changes with the service account (the run notices Dagster's
 * upstream raises); undefined without a service account, as there is nobody to post as.
 */
export function gerritRunNotifier(config: GerritConfig, deps: RunNoticeDeps): GerritRunNotifier | undefined {
  if (config.serviceAccount === undefined) return undefined;
  const metrics = gerritMetrics(deps.metrics.registry);
  return new GerritRunNotifier({
    gerritUrl: config.url,
    username: config.serviceAccount.username,
    token: config.serviceAccount.token,
    dagsterUiUrl: deps.dagsterUiUrl,
    onResult: (r) => {
      metrics.notices(r.ok, r.notices.length);
      const runIds = r.notices.map((n) => n.runId);
      if (r.ok) deps.logger.info({ component: 'gerrit-notifier', change: r.change, runIds }, runIds.length === 1 ? 'run posted to Gerrit' : 'runs posted to Gerrit');
      else deps.logger.warn({ component: 'gerrit-notifier', change: r.change, runIds, attempts: r.attempts, error: r.error }, 'could not post runs to Gerrit');
    },
  });
}
