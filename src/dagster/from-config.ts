// Builds the Dagster classifier for a configured Dagster upstream: lookups go to the same
// webserver the proxy forwards to, at its --path-prefix.

import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config/schema.js';
import type { Classifier } from '../proxy/types.js';
import { createDagsterClassifier, type DagsterDeployment } from './classifier.js';
import { GraphqlLookup } from './lookup.js';

export interface DagsterFromConfigOptions {
  /** Validate documents against this schema (see loadDagsterSchema). */
  readonly schema?: GraphQLSchema;
  readonly deployment?: DagsterDeployment;
}

export function createDagsterClassifierFromConfig(config: Config, options: DagsterFromConfigOptions = {}): Classifier {
  const dagster = config.upstreams.dagster;
  const prefix = dagster === undefined || dagster.pathPrefix === '/' ? '' : dagster.pathPrefix;
  const lookup = dagster === undefined ? undefined : new GraphqlLookup({ endpoint: `${new URL(dagster.url).origin}${prefix}/graphql`, timeoutMs: Math.min(dagster.timeoutMs, 5_000) });
  return createDagsterClassifier({
    pathPrefix: dagster?.pathPrefix ?? '/',
    maxClassifiedBodyBytes: config.limits.maxClassifiedBodyBytes,
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    ...(lookup === undefined ? {} : { lookup }),
    ...(options.deployment === undefined ? {} : { deployment: options.deployment }),
  });
}
