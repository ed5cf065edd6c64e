// The Dagster classifier: GraphQL at `<prefix>/graphql` (every HTTP transport the webserver
// reads), the REST routes, and the UI. Built once; see createDagsterClassifier's options.
//
// Decisions made here, before policy:
// - Malformed GraphQL, batched array bodies, and ambiguous query strings (a raw `;`, a repeated
//   parameter we read; query-params.ts) are 400, never forwarded.
// - A mutation over a transport another site can send without a CORS preflight (GET, or a POST
//   that is not application/json or application/graphql) is 400 `bad_request`: it is a
//   cross-site request forgery path, refused for every role, admins included.
// - Run-creating mutations are rewritten to carry the caller's tags (stamp-tags.ts).

import type { Classification, Classifier, ClassifyRequest } from '../../pipeline/types.js';
import { READ } from './actions.js';
import { deploymentInput, deploymentSource, type DagsterDeployment, type DeploymentSource } from './deployment.js';
import { classifyGraphql, type GraphqlClassifyOptions } from './graphql/classify.js';
import { refuseAmbiguousQuery } from './query-params.js';
import { classifyRest } from './rest.js';

export type { DagsterDeployment } from './deployment.js';

export interface DagsterClassifierOptions extends GraphqlClassifyOptions {
  /** The Dagster route's path prefix ('/' when mounted at the root), as Dagster's --path-prefix. */
  readonly pathPrefix: string;
  /** A fixed deployment, or a getter read once per request (the controller's, whose change status flips). Default: main. */
  readonly deployment?: DagsterDeployment | DeploymentSource;
}

export function createDagsterClassifier(options: DagsterClassifierOptions): Classifier {
  const prefix = options.pathPrefix === '/' ? '' : options.pathPrefix;
  const readDeployment = deploymentSource(options.deployment);
  return {
    async classify(request: ClassifyRequest): Promise<Classification> {
      // Read once: the whole request is judged and stamped against one view of the deployment.
      const deployment = readDeployment();
      const base = { upstream: 'dagster' as const, deployment: deploymentInput(deployment) };
      // Before any route reads it: a raw `;` splits parameters for some Python versions only.
      refuseAmbiguousQuery(request.target.query);
      const path = request.target.path;
      const rest = prefix === '' ? path : path === prefix ? '/' : path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : undefined;
      if (rest === undefined) return { action: READ, resource: { ...base, route: 'outside' }, body: { kind: 'untouched' } };
      if (rest === '/graphql' || rest === '/graphql/') return classifyGraphql(request, options, base, deployment);
      const r = await classifyRest({ method: request.method, rest, query: request.target.query, req: request.req, maxBodyBytes: options.maxClassifiedBodyBytes });
      return { action: r.action, resource: { ...base, ...r.resource }, body: r.body };
    },
  };
}
