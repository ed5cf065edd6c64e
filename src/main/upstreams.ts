// The upstreams builder: one instance per configured `upstreams.<kind>` entry, built by that
// kind's folder under src/upstreams. A new kind is a new folder and one line in KINDS.
//
// The only thing the kinds share is the run-notice loop: a Dagster run launched for a Gerrit
// change is announced on that change by Gerrit's notifier. Neither kind knows the other; they
// meet here.

import type { AuditSink } from '../audit/types.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Upstream } from '../pipeline/types.js';
import type { Decider } from '../policy/types.js';
import { dagsterUpstream, type RunLaunch } from '../upstreams/dagster/index.js';
import { gerritRunNotifier, gerritUpstream } from '../upstreams/gerrit/index.js';

/** What every kind may use to build an instance. */
export interface UpstreamDeps {
  readonly limits: Config['limits'];
  readonly decider: Decider;
  readonly audit: AuditSink;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Revokes the access tokens bound to a Gerrit change; resolves to how many. */
  revokeForChange(change: number): Promise<number>;
  /** Announces a Dagster run on its Gerrit change, when there is a Gerrit to post on. */
  readonly onRunLaunched: ((launch: RunLaunch) => void) | undefined;
}

type Kinds = { readonly [K in keyof Config['upstreams']]-?: (config: NonNullable<Config['upstreams'][K]>, deps: UpstreamDeps) => Upstream };

const KINDS: Kinds = {
  gerrit: (config, deps) => gerritUpstream(config, { ...deps, maxClassifiedBodyBytes: deps.limits.maxClassifiedBodyBytes }),
  dagster: (config, deps) =>
    dagsterUpstream(config, {
      maxClassifiedBodyBytes: deps.limits.maxClassifiedBodyBytes,
      webSocketIdleMs: deps.limits.webSocketIdleMs,
      decider: deps.decider,
      ...(deps.onRunLaunched === undefined ? {} : { onRunLaunched: deps.onRunLaunched }),
    }),
};

export interface Upstreams {
  readonly upstreams: readonly Upstream[];
  close(): Promise<void>;
}

export function buildUpstreams(config: Config, deps: Omit<UpstreamDeps, 'onRunLaunched'>): Upstreams {
  const notifier = runNotifier(config, deps);
  const all: UpstreamDeps = { ...deps, onRunLaunched: notifier === undefined ? undefined : (launch) => notifier.notify(launch) };
  const upstreams: Upstream[] = [];
  for (const kind of Object.keys(KINDS) as (keyof Kinds)[]) {
    const entry = config.upstreams[kind];
    if (entry !== undefined) upstreams.push((KINDS[kind] as (c: typeof entry, d: UpstreamDeps) => Upstream)(entry, all));
  }
  return { upstreams, close: async () => notifier?.close() };
}

/**
 * Posts a review message on the Gerrit change a Dagster run was launched for. Needs Gerrit's
 * service account and a Dagster route; without them there is nothing to close the loop with.
 */
function runNotifier(config: Config, deps: Pick<UpstreamDeps, 'metrics' | 'logger'>): ReturnType<typeof gerritRunNotifier> {
  const { gerrit, dagster } = config.upstreams;
  if (gerrit === undefined || dagster === undefined) return undefined;
  const dagsterUiUrl = new URL(dagster.pathPrefix, config.publicUrl).href.replace(/\/$/, '');
  return gerritRunNotifier(gerrit, { dagsterUiUrl, metrics: deps.metrics, logger: deps.logger });
}
