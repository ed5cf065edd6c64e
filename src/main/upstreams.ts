// The upstreams builder: one instance per configured `upstreams.<kind>` entry, built by that
// kind's folder under src/upstreams. A new kind is a new folder and one line in KINDS.
//
// Where the kinds meet, they meet here, and neither knows the other: a Dagster run launched for a
// Gerrit change is announced on that change by Gerrit's notifier, and a change a Dagster caller
// names in X-Gerrit-Change is checked with Gerrit (changeClaims).

import type { AuditSink } from '../audit/types.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Upstream } from '../pipeline/types.js';
import type { Decider } from '../policy/types.js';
import { dagsterUpstream, DEFAULT_CHANGE_CLAIMS, type ChangeClaims, type RunLaunch } from '../upstreams/dagster/index.js';
import { GERRIT_USERNAME_HEADER, gerritChangeVisibility, gerritRunNotifier, gerritUpstream, type ChangeSignal, type ImpactProvider } from '../upstreams/gerrit/index.js';

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
  /** How a Dagster caller's X-Gerrit-Change is believed. */
  readonly changeClaims: ChangeClaims;
  /** Told when a Gerrit change gets a patch set, closes or reopens (the branch-deployment loop). */
  readonly onChange?: (signal: ChangeSignal) => void;
  /** Change tracking's answer for a submit decision (resource.change.impact). */
  readonly impact?: ImpactProvider;
}

type Kinds = { readonly [K in keyof Config['upstreams']]-?: (config: NonNullable<Config['upstreams'][K]>, deps: UpstreamDeps) => Upstream };

const KINDS: Kinds = {
  gerrit: (config, deps) => gerritUpstream(config, { ...deps, maxClassifiedBodyBytes: deps.limits.maxClassifiedBodyBytes }),
  dagster: (config, deps) =>
    dagsterUpstream(config, {
      maxClassifiedBodyBytes: deps.limits.maxClassifiedBodyBytes,
      webSocketIdleMs: deps.limits.webSocketIdleMs,
      decider: deps.decider,
      changeClaims: deps.changeClaims,
      ...(deps.onRunLaunched === undefined ? {} : { onRunLaunched: deps.onRunLaunched }),
    }),
};

export interface Upstreams {
  readonly upstreams: readonly Upstream[];
  /** What every kind got: a branch deployment's Dagster instance is built with the same. */
  readonly deps: UpstreamDeps;
  close(): Promise<void>;
}

export function buildUpstreams(config: Config, deps: Omit<UpstreamDeps, 'onRunLaunched' | 'changeClaims'>): Upstreams {
  const notifier = runNotifier(config, deps);
  const all: UpstreamDeps = { ...deps, onRunLaunched: notifier === undefined ? undefined : (launch) => notifier.notify(launch), changeClaims: changeClaims(config, GERRIT_USERNAME_HEADER) };
  const upstreams: Upstream[] = [];
  for (const kind of Object.keys(KINDS) as (keyof Kinds)[]) {
    const entry = config.upstreams[kind];
    if (entry !== undefined) upstreams.push((KINDS[kind] as (c: typeof entry, d: UpstreamDeps) => Upstream)(entry, all));
  }
  return { upstreams, deps: all, close: async () => notifier?.close() };
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

/** Trusted roles from config; everyone else's claim is checked with the configured Gerrit. */
export function changeClaims(config: Config, gerritUsernameHeader: string | undefined): ChangeClaims {
  const gerrit = config.upstreams.gerrit;
  const trustedRoles = config.upstreams.dagster?.changeHeader.trustedRoles ?? DEFAULT_CHANGE_CLAIMS.trustedRoles;
  if (gerrit === undefined || gerritUsernameHeader === undefined) return { trustedRoles };
  return { trustedRoles, verify: gerritChangeVisibility({ url: gerrit.url, usernameHeader: gerritUsernameHeader, timeoutMs: Math.min(gerrit.timeoutMs, 5_000) }) };
}
