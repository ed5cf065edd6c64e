// Builds the Dagster classifier for a configured Dagster upstream: lookups go to the same
// webserver the proxy forwards to, at its --path-prefix; the deployment comes from
// `upstreams.dagster.deployment`; the decider rewrites the UI's permission answers.

import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config/schema.js';
import type { Decider } from '../policy/types.js';
import type { Classifier } from '../proxy/types.js';
import { gerritChangeVisibility } from '../gerrit/change-visibility.js';
import { DEFAULT_CHANGE_CLAIMS, type ChangeClaims } from './change.js';
import { createDagsterClassifier } from './classifier.js';
import { deploymentFromConfig, type DagsterDeployment } from './deployment.js';
import { GraphqlLookup } from './lookup.js';

export interface DagsterFromConfigOptions {
  /** Validate documents against this schema (see loadDagsterSchema). */
  readonly schema?: GraphQLSchema;
  /** Rewrites the UI's permission answers per user (the same decider as every request's). */
  readonly decider?: Decider;
  /** Share one lookup (and its caches) with the WebSocket hook; built from config when absent. */
  readonly lookup?: GraphqlLookup;
  /** Gerrit's auth.httpHeader: X-Gerrit-Change claims are checked with Gerrit under this header. */
  readonly gerritUsernameHeader?: string;
}

/** The deployment `upstreams.dagster.deployment` describes (main when absent). */
export function dagsterDeployment(config: Config): DagsterDeployment {
  return deploymentFromConfig(config.upstreams.dagster?.deployment);
}

/** Lookups (runs, schedules, sensors, backfills by id) to the configured webserver, if any. */
export function dagsterLookup(config: Config): GraphqlLookup | undefined {
  const dagster = config.upstreams.dagster;
  if (dagster === undefined) return undefined;
  const prefix = dagster.pathPrefix === '/' ? '' : dagster.pathPrefix;
  return new GraphqlLookup({ endpoint: `${new URL(dagster.url).origin}${prefix}/graphql`, timeoutMs: Math.min(dagster.timeoutMs, 5_000) });
}

export function createDagsterClassifierFromConfig(config: Config, options: DagsterFromConfigOptions = {}): Classifier {
  const dagster = config.upstreams.dagster;
  const lookup = options.lookup ?? dagsterLookup(config);
  return createDagsterClassifier({
    pathPrefix: dagster?.pathPrefix ?? '/',
    maxClassifiedBodyBytes: config.limits.maxClassifiedBodyBytes,
    deployment: dagsterDeployment(config),
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    ...(lookup === undefined ? {} : { lookup }),
    ...(options.decider === undefined ? {} : { decider: options.decider }),
    changeClaims: changeClaims(config, options.gerritUsernameHeader),
  });
}

/** Trusted roles from config; everyone else's claim is checked with the configured Gerrit. */
export function changeClaims(config: Config, gerritUsernameHeader: string | undefined): ChangeClaims {
  const gerrit = config.upstreams.gerrit;
  const trustedRoles = config.upstreams.dagster?.changeHeader.trustedRoles ?? DEFAULT_CHANGE_CLAIMS.trustedRoles;
  if (gerrit === undefined || gerritUsernameHeader === undefined) return { trustedRoles };
  return { trustedRoles, verify: gerritChangeVisibility({ url: gerrit.url, usernameHeader: gerritUsernameHeader, timeoutMs: Math.min(gerrit.timeoutMs, 5_000) }) };
}
