// The Dagster classifier: GraphQL at `<prefix>/graphql` (every HTTP transport the webserver
// reads), the REST routes, and the UI. Built once; see createDagsterClassifier's options.
//
// Decisions made here, before policy:
// - Malformed GraphQL, batched array bodies, and ambiguous query strings are 400, never forwarded.
// - A mutation over a transport another site can send without a CORS preflight (GET, or a POST
//   that is not application/json or application/graphql) is 400 `bad_request`: it is a
//   cross-site request forgery path, refused for every role, admins included.
// - Run-creating mutations are rewritten to carry the caller's tags (stamp-tags.ts).

import type { GraphQLSchema } from 'graphql';
import type { ChangeRef, Classification, Classifier, ClassifyRequest } from '../proxy/types.js';
import { READ } from './actions.js';
import { classifyGraphql } from './graphql/classify.js';
import type { DagsterLookup } from './lookup.js';
import { classifyRest } from './rest.js';

export interface DagsterDeployment {
  readonly name: string;
  /** A branch deployment (built for one change); `ci` may launch only in these. */
  readonly branch: boolean;
  /** The change a branch deployment is for: stamped on runs when the request names none. */
  readonly change?: ChangeRef;
}

export interface DagsterClassifierOptions {
  /** The Dagster route's path prefix ('/' when mounted at the root), as Dagster's --path-prefix. */
  readonly pathPrefix: string;
  readonly maxClassifiedBodyBytes: number;
  /** Validate every document against this schema; without it documents are only parsed. */
  readonly schema?: GraphQLSchema;
  /** Resolves id-only arguments; without it those fields carry ids only (narrowed grants fail closed). */
  readonly lookup?: DagsterLookup;
  readonly deployment?: DagsterDeployment;
}

const DEFAULT_DEPLOYMENT: DagsterDeployment = { name: 'default', branch: false };

export function createDagsterClassifier(options: DagsterClassifierOptions): Classifier {
  const prefix = options.pathPrefix === '/' ? '' : options.pathPrefix;
  const deployment = options.deployment ?? DEFAULT_DEPLOYMENT;
  const base = { upstream: 'dagster' as const, deployment: { name: deployment.name, branch: deployment.branch } };
  return {
    async classify(request: ClassifyRequest): Promise<Classification> {
      const path = request.target.path;
      const rest = prefix === '' ? path : path === prefix ? '/' : path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : undefined;
      if (rest === undefined) return { action: READ, resource: { ...base, route: 'outside' }, body: { kind: 'untouched' } };
      if (rest === '/graphql' || rest === '/graphql/') return classifyGraphql(request, options, base, deployment);
      const r = classifyRest(request.method, rest, request.target.query);
      return { action: r.action, resource: { ...base, ...r.resource }, body: { kind: 'untouched' } };
    },
  };
}
