// Prometheus metrics on a private registry (never prom-client's global one: tests and several
// proxies in one process must not share counters). Callers get typed methods with closed label
// sets, not raw prom-client objects, so a path or user can't become a label by accident. An
// upstream's own metrics register on the same registry (src/upstreams/gerrit/metrics.ts).

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TallyCounter, TallyHistogram } from './tallies.js';
import {
  BoundedLabel,
  statusLabel,
  type DecisionLabel,
  type UpstreamErrorKind,
} from './labels.js';

/** Actions are a closed-ish set from the classifiers (`gerrit.change.submit`); cap as a guard. */
const MAX_ACTIONS = 200;
/** Upstream kinds are few (one per folder under src/upstreams); cap them as a guard all the same. */
const MAX_UPSTREAM_KINDS = 16;

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const FAST_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

export interface RequestObservation {
  readonly upstream: string | undefined;
  readonly action: string | undefined;
  readonly decision: DecisionLabel;
  readonly status: number;
  readonly durationSeconds: number;
}

export type PolicyReloadResult = 'loaded' | 'rejected';

export interface Metrics {
  readonly registry: Registry;
  observeRequest(o: RequestObservation): void;
  upstreamError(upstream: string | undefined, kind: UpstreamErrorKind): void;
  observePolicyEval(seconds: number): void;
  policyCache(hit: boolean): void;
  observeAuditWrite(seconds: number): void;
  auditFailure(): void;
  /** A policy load at start or after an edit: swapped in, or refused (the working policy stays). */
  policyReload(result: PolicyReloadResult): void;
  /** A client connection refused at accept time, over the total or the per-address cap. */
  connectionRefused(reason: 'total' | 'address'): void;
  setReady(ready: boolean): void;
  /** Prometheus text exposition. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const actions = new BoundedLabel(MAX_ACTIONS);
  const upstreamKinds = new BoundedLabel(MAX_UPSTREAM_KINDS);

  // The two that every request touches are tallies (tallies.ts); the rest are prom-client's own.
  const requests = new TallyCounter({
    name: 'changegate_requests_total',
    help: 'Requests handled, by upstream, action, policy decision and response status.',
    labelNames: ['upstream', 'action', 'decision', 'status'] as const,
    registers,
  });
  const duration = new TallyHistogram({
    name: 'changegate_request_duration_seconds',
    help: 'Time from request received to response finished.',
    labelNames: ['upstream', 'decision'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const upstreamErrors = new Counter({
    name: 'changegate_upstream_errors_total',
    help: 'Failures talking to an upstream, by kind (connect, timeout, reset, protocol, other).',
    labelNames: ['upstream', 'kind'] as const,
    registers,
  });
  const policyEval = new Histogram({
    name: 'changegate_policy_eval_seconds',
    help: 'Time to evaluate the policy for one request (cache misses only).',
    buckets: FAST_BUCKETS,
    registers,
  });
  const cacheHits = new Counter({ name: 'changegate_policy_cache_hits_total', help: 'Decisions served from the decision cache.', registers });
  const cacheMisses = new Counter({ name: 'changegate_policy_cache_misses_total', help: 'Decisions that needed a policy evaluation.', registers });
  const auditWrite = new Histogram({
    name: 'changegate_audit_write_seconds',
    help: 'Time to durably write one audit record.',
    buckets: FAST_BUCKETS.concat([0.25, 0.5, 1]),
    registers,
  });
  const auditFailures = new Counter({ name: 'changegate_audit_failures_total', help: 'Audit records that could not be written (the request was refused).', registers });
  const policyReloads = new Counter({
    name: 'changegate_policy_reloads_total',
    help: 'Policy loads at start and after edits, by result: loaded, or rejected (it did not compile or its tests failed; the working policy keeps deciding).',
    labelNames: ['result'],
    registers,
  });
  const connectionsRefused = new Counter({
    name: 'changegate_connections_refused_total',
    help: 'Client connections refused with 503 when accepted, by cap (total, address).',
    labelNames: ['reason'],
    registers,
  });
  // Across cluster workers the cluster is ready only when every worker is.
  const ready = new Gauge({ name: 'changegate_ready', help: '1 when config, policy and audit sink are loaded, else 0.', registers, aggregator: 'min' });
  ready.set(0);

  return {
    registry,
    observeRequest(o) {
      const upstream = upstreamKinds.value(o.upstream);
      requests.inc({ upstream, action: actions.value(o.action), decision: o.decision, status: statusLabel(o.status) });
      duration.observe({ upstream, decision: o.decision }, o.durationSeconds);
    },
    upstreamError(upstream, kind) {
      upstreamErrors.inc({ upstream: upstreamKinds.value(upstream), kind });
    },
    observePolicyEval: (seconds) => policyEval.observe(seconds),
    policyCache: (hit) => (hit ? cacheHits.inc() : cacheMisses.inc()),
    observeAuditWrite: (seconds) => auditWrite.observe(seconds),
    auditFailure: () => auditFailures.inc(),
    policyReload: (result) => policyReloads.inc({ result }),
    connectionRefused: (reason) => connectionsRefused.inc({ reason }),
    setReady: (r) => ready.set(r ? 1 : 0),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
