// Gerrit's own metrics, on the proxy's registry: run notices posted, tokens revoked because
// their change closed, webhook deliveries. Registered once per registry, however many Gerrit
// instances share it.

import { Counter, type Registry } from 'prom-client';

/** Gerrit event types that get their own label value; the rest count as `other`. */
const WEBHOOK_TYPES = new Set(['change-merged', 'change-abandoned', 'patchset-created', 'unknown']);

export interface GerritMetrics {
  /** Run notices posted to Gerrit in one review message, or given up on. */
  notices(ok: boolean, count: number): void;
  /** Personal access tokens revoked because their Gerrit change closed, by who told us. */
  patsRevoked(source: 'webhook' | 'proxy', count: number): void;
  /** A Gerrit webhook delivery, by event type (closed set) and outcome. */
  webhook(type: string, outcome: 'accepted' | 'ignored' | 'refused' | 'failed'): void;
}

const byRegistry = new WeakMap<Registry, GerritMetrics>();

export function gerritMetrics(registry: Registry): GerritMetrics {
  let metrics = byRegistry.get(registry);
  if (metrics !== undefined) return metrics;
  const registers = [registry];
  const notices = new Counter({
    name: 'changegate_gerrit_notices_total',
    help: 'Dagster runs announced on their Gerrit change, by result (failed = given up after retries, or dropped while too many waited); several runs can share one review message.',
    labelNames: ['result'],
    registers,
  });
  const revocations = new Counter({
    name: 'changegate_pat_revocations_total',
    help: 'Personal access tokens revoked because the Gerrit change they were bound to closed, by source (webhook, proxy).',
    labelNames: ['source'],
    registers,
  });
  const webhooks = new Counter({
    name: 'changegate_gerrit_webhook_events_total',
    help: 'Gerrit webhook deliveries, by event type and outcome (accepted, ignored, refused, failed).',
    labelNames: ['type', 'outcome'],
    registers,
  });
  metrics = {
    notices: (ok, count) => notices.inc({ result: ok ? 'posted' : 'failed' }, count),
    patsRevoked: (source, count) => revocations.inc({ source }, count),
    webhook: (type, outcome) => webhooks.inc({ type: WEBHOOK_TYPES.has(type) ? type : 'other', outcome }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
