// How the composition root plugs change closes in: one revoker shared by the webhook route and
// the audit-sink observer, reporting to metrics and the log. Kept here so server.ts only calls
// these two functions.

import type { AuditSink } from '../../../audit/types.js';
import type { Config } from '../../../config/schema.js';
import type { AdminServer } from '../../../observability/admin.js';
import type { Logger } from '../../../observability/logger.js';
import type { Metrics } from '../../../observability/metrics.js';
import { WebhookAccess } from './access.js';
import { ClosedChangesAuditSink } from './revoke-on-close.js';
import { GERRIT_WEBHOOK_PATH, gerritWebhookHandler } from './route.js';

export interface ChangeClosedDeps {
  /** PatService.onChangeClosed: revokes the tokens bound to a change, resolves to how many. */
  revokeForChange(change: number): Promise<number>;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

type Source = 'webhook' | 'proxy';

function revoker(deps: ChangeClosedDeps, source: Source): (change: number) => Promise<number> {
  return async (change) => {
    const revoked = await deps.revokeForChange(change);
    deps.metrics.patsRevoked(source, revoked);
    if (revoked > 0) deps.logger.info({ component: 'gerrit-events', change, revoked, source }, 'revoked the access tokens bound to a closed change');
    return revoked;
  };
}

/** Wraps the audit sink so a submit or abandon that succeeds through the proxy revokes tokens. */
export function revokeOnProxiedClose(audit: AuditSink, deps: ChangeClosedDeps): AuditSink {
  const revoke = revoker(deps, 'proxy');
  return new ClosedChangesAuditSink(audit, ({ change, requestId }) => {
    revoke(change).catch((err: unknown) =>
      // The webhook's change-merged / change-abandoned event revokes them again when it arrives.
      deps.logger.error({ component: 'gerrit-events', change, requestId, err }, 'could not revoke the access tokens bound to a closed change'),
    );
  });
}

/** Serves POST /gerrit/webhooks on the admin listener when upstreams.gerrit.webhooks is set. */
export function mountGerritWebhooks(admin: AdminServer, config: Config, audit: AuditSink, deps: ChangeClosedDeps): void {
  const webhooks = config.upstreams.gerrit?.webhooks;
  if (webhooks === undefined) return;
  admin.route(
    'POST',
    GERRIT_WEBHOOK_PATH,
    gerritWebhookHandler({
      access: new WebhookAccess(webhooks),
      audit,
      revokeForChange: revoker(deps, 'webhook'),
      maxBodyBytes: config.limits.maxClassifiedBodyBytes,
      observe: (o) => {
        deps.metrics.gerritWebhook(o.type, o.outcome);
        if (o.outcome === 'refused' || o.outcome === 'failed') deps.logger.warn({ component: 'gerrit-events', type: o.type, outcome: o.outcome, reason: o.reason }, 'Gerrit webhook not acted on');
      },
    }),
  );
}
