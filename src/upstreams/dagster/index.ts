// The Dagster upstream: `dagsterUpstream(config, deps)` is everything the pipeline needs to serve
// one Dagster webserver: its route, the %2F admission rule, the classifier (GraphQL over every
// HTTP transport, REST, the UI) with the per-user rewrite of permission answers, the graphql-ws
// tunnel whose every `start` is decided and audited like a request, and the after-forward
// effect that announces a run launched for a Gerrit change.
//
// An instance owns its lookups (and their caches), so several webservers (a branch deployment
// per change, say) each ask their own.

import { ChangegateError } from '../../errors.js';
import { hasEncodedSlash } from '../../http/normalize.js';
import type { Decider } from '../../policy/types.js';
import type { Config } from '../../config/schema.js';
import { routeFromConfig } from '../../pipeline/route-table.js';
import type { Upstream } from '../../pipeline/types.js';
import type { ChangeClaims } from './change.js';
import { createDagsterClassifier } from './classifier.js';
import { deploymentFromConfig, type DagsterDeployment } from './deployment.js';
import { GraphqlLookup } from './lookup.js';
import { announceRun, type RunLaunch } from './run-notice.js';
import { loadDagsterSchema } from './schema.js';
import { graphqlWsTunnel } from './ws/tunnel.js';
import type { ChangedReasonsSource } from './impact/response.js';

/** `upstreams.dagster` in the config. */
export type DagsterConfig = NonNullable<Config['upstreams']['dagster']>;

export interface DagsterUpstreamDeps {
  /** The route table's name for this instance (default 'dagster'). */
  readonly name?: string;
  /** Largest GraphQL body, REST body or WebSocket frame read (limits.maxClassifiedBodyBytes). */
  readonly maxClassifiedBodyBytes: number;
  /** A graphql-ws relay with no frame either way for this long is closed (limits.webSocketIdleMs). */
  readonly webSocketIdleMs: number;
  /** Rewrites the UI's permission answers per user (the same decider as every request's). */
  readonly decider?: Decider;
  /** Told of every run launched for a Gerrit change (posted on the change by Gerrit's notifier). */
  readonly onRunLaunched?: (launch: RunLaunch) => void;
  /** How X-Gerrit-Change claims are checked (trusted roles; Gerrit asked for the rest); default: only `ci`. */
  readonly changeClaims?: ChangeClaims;
  /**
   * The deployment this webserver is, read once per request (and per WebSocket `start`); it
   * overrides `upstreams.dagster.deployment`. The deployments controller passes a getter over
   * its registry (`changeDeployment(snapshot)`), so a change's status can flip to MERGED or
   * CLOSED without rebuilding the upstream. Return the same object until something changes.
   */
  readonly deployment?: () => DagsterDeployment;
  /**
   * A branch deployment's change tracking, read when each answer is in: AssetNode.changedReasons
   * in its GraphQL answers is filled from it. Undefined (no current result) leaves Dagster's [];
   * production instances get none and are never touched.
   */
  readonly changedReasons?: ChangedReasonsSource;
}

export { DEFAULT_CHANGE_CLAIMS, type ChangeClaims, type ChangeVerifier } from './change.js';
export type { RunLaunch } from './run-notice.js';
// What the deployments controller (wired in src/main) needs to build a change's branch deployment.
export { branchDeploymentEnv, BranchEnvError, MAX_AUTHOR_BYTES, MAX_MESSAGE_BYTES, type BranchEnvInput } from './branch/env.js';
export { shadowSuffix, type ShadowSuffixInput } from './branch/shadow-suffix.js';
export { branchDeploymentName, type BranchChange, type BranchChangeStatus, type BranchCommit } from './branch/change.js';
export { changeDeployment, deploymentFromConfig, deploymentInput, type DagsterDeployment, type DeploymentChange, type DeploymentInput } from './deployment.js';
export { DEPLOYMENT_TAG, PATCHSET_TAG, SHADOW_SUFFIX_TAG } from './run-tags.js';
export { DagsterServiceClient, type LocationLoad } from './service/client.js';
// Change tracking (issue #17): read both graphs, classify, tell Gerrit, mark the branch's UI.
export { fetchAssetGraph, FETCH_DEFAULTS, type FetchAssetGraphOptions } from './impact/fetch.js';
export { classifyImpact } from './impact/classify.js';
export { impactMessage, assetUrl, MESSAGE_LIMITS, type ImpactLinks, type MessageLimits } from './impact/message.js';
export { changedReasonsLookup, type ChangedReasonsLookup, type AssetWhere } from './impact/lookup.js';
export type { ChangedReasonsSource } from './impact/response.js';
export { ImpactTracker, type ImpactTrackerOptions } from './impact/tracker.js';
export {
  CHANGE_REASONS,
  type AssetDefinition,
  type AssetDependency,
  type AssetGraph,
  type AssetImpact,
  type AssetKeyPath,
  type ChangeReason,
  type ChangedAsset,
  type ComputedFor,
  type ImpactedAsset,
} from './impact/types.js';

export function dagsterUpstream(config: DagsterConfig, deps: DagsterUpstreamDeps): Upstream {
  const route = routeFromConfig(config);
  const schema = config.graphqlSchema === undefined ? undefined : loadDagsterSchema(config.graphqlSchema);
  // One lookup (and its caches) for HTTP and WebSocket classification alike: to the webserver
  // the proxy forwards to, at its --path-prefix.
  const lookup = new GraphqlLookup({ endpoint: `${route.target.origin}${route.prefix}/graphql`, timeoutMs: Math.min(config.timeoutMs, 5_000) });
  const deployment = deps.deployment ?? deploymentFromConfig(config.deployment);
  const shared = { lookup, deployment, ...(schema === undefined ? {} : { schema }) };
  return {
    kind: 'dagster',
    name: deps.name ?? 'dagster',
    route,
    // Dagster's web framework (Starlette) decodes %2F before routing, so an encoded slash would
    // reach a different route from the one classified.
    admit: (target) => (hasEncodedSlash(target.path) ? new ChangegateError('bad_path', 'an encoded slash (%2F) is not allowed in Dagster paths') : undefined),
    classifier: createDagsterClassifier({
      pathPrefix: config.pathPrefix,
      maxClassifiedBodyBytes: deps.maxClassifiedBodyBytes,
      ...shared,
      ...(deps.decider === undefined ? {} : { decider: deps.decider }),
      ...(deps.changeClaims === undefined ? {} : { changeClaims: deps.changeClaims }),
      ...(deps.changedReasons === undefined ? {} : { changedReasons: deps.changedReasons }),
    }),
    stamping: {},
    tunnel: graphqlWsTunnel({ ...shared, maxFrameBytes: deps.maxClassifiedBodyBytes, idleMs: deps.webSocketIdleMs }),
    effects: deps.onRunLaunched === undefined ? [] : [announceRun(deps.onRunLaunched)],
    // The route table closes an instance it replaced or removed once its requests are done.
    close: () => lookup.close(),
  };
}
