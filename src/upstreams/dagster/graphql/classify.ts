// Classifies one GraphQL request over HTTP: read it as Dagster does, pick the operation, refuse
// mutations on cross-site transports, judge every mutation field, stamp run-creating ones, and
// have the responses of queries that select permission fields rewritten per user (and, on a
// branch deployment, those that select changedReasons filled in).

import type { GraphQLSchema } from 'graphql';
import { ChangegateError } from '../../../errors.js';
import type { Decider } from '../../../policy/types.js';
import { isAuthenticated } from '../../../identity/types.js';
import type { Classification, ClassifyRequest, ForwardBody } from '../../../pipeline/types.js';
import { LAUNCH_ACTIONS, READ, topAction } from '../actions.js';
import { changeInput, DEFAULT_CHANGE_CLAIMS, requestChange, type ChangeClaims } from '../change.js';
import { deploymentChangeRef, type DagsterDeployment, type DeploymentInput } from '../deployment.js';
import { runTags } from '../run-tags.js';
import type { DagsterLookup } from '../lookup.js';
import { planPermissions } from '../permissions/plan.js';
import { permissionJsonRewrite } from '../permissions/response.js';
import { changedReasonsJsonRewrite, type ChangedReasonsSource } from '../impact/response.js';
import { jsonResponseRewrite, type JsonRewrite } from './json-rewrite.js';
import { planChangedReasons } from '../impact/rewrite.js';
import { subjectInput } from '../../../pipeline/records.js';
import { runIdTap } from './run-id-tap.js';
import { parseDocument, selectOperation, type SelectedOperation } from './document.js';
import { readGraphqlRequest, type GraphqlRequest } from './request.js';
import { judgeMutationFields, type JudgedField } from './resolve.js';
import { createsRuns, stampRunTags, type Tag } from './stamp-tags.js';

const DEFAULT_MAX_REWRITE_BYTES = 16 * 1024 * 1024;

export interface GraphqlClassifyOptions {
  readonly maxClassifiedBodyBytes: number;
  /** Validate every document against this schema; without it documents are only parsed. */
  readonly schema?: GraphQLSchema;
  /** Resolves id-only arguments; without it those fields carry ids only (narrowed grants fail closed). */
  readonly lookup?: DagsterLookup;
  /**
   * Decides the UI's permission answers (`permissions`, has*Permission) per user: queries that
   * select them get their response rewritten. Without it, Dagster's answers pass unchanged.
   */
  readonly decider?: Decider;
  /** Permission-carrying responses larger than this pass unrewritten. Default 16 MiB. */
  readonly maxRewriteBytes?: number;
  /** How X-Gerrit-Change claims are checked; default: only `ci` may name a change (no Gerrit to ask). */
  readonly changeClaims?: ChangeClaims;
  /**
   * A branch deployment's change tracking: queries that select AssetNode.changedReasons get the
   * current result filled in. Absent (production): answers pass unchanged.
   */
  readonly changedReasons?: ChangedReasonsSource;
}

export async function classifyGraphql(request: ClassifyRequest, options: GraphqlClassifyOptions, base: { upstream: 'dagster'; deployment: DeploymentInput }, deployment: DagsterDeployment): Promise<Classification> {
  const gql = await readGraphqlRequest(request.method, request.target.query, request.req, options.maxClassifiedBodyBytes);
  const untouched: ForwardBody = gql.bytes === undefined ? { kind: 'untouched' } : { kind: 'buffered', bytes: gql.bytes };
  const common = { ...base, route: 'graphql', transport: gql.transport };
  if (gql.query === undefined || gql.query.trim() === '') {
    // GraphiQL page (GET with Accept: text/html) or an empty request Dagster answers with an error.
    return { action: READ, resource: { ...common, operation: 'none', fields: [] }, body: untouched };
  }
  const op = selectOperation(parseDocument(gql.query, options.schema), gql.operationName, gql.variables);
  const resourceOp = { ...common, operation: op.type, ...(op.name === undefined ? {} : { operationName: op.name }) };
  if (op.type !== 'mutation') {
    const fields = op.fields.map((f) => ({ field: f.name, ...(f.responseKey === f.name ? {} : { alias: f.responseKey }), action: READ, ...readScope(f.args) }));
    const rewrites = [permissionRewrite(op, request, options, base.deployment), reasonsRewrite(op, options)].filter((r) => r !== undefined);
    const rewrite = jsonResponseRewrite(rewrites, options.maxRewriteBytes ?? DEFAULT_MAX_REWRITE_BYTES);
    return { action: READ, resource: { ...resourceOp, fields, ...aggregate(fields) }, body: untouched, ...(rewrite === undefined ? {} : { responseRewrite: rewrite }) };
  }
  if (!gql.preflighted) {
    throw new ChangegateError('bad_request', 'mutations must be POSTed as application/json or application/graphql: other transports can be sent cross-site (CSRF)', {
      details: { transport: gql.transport },
    });
  }
  // No lookups for anonymous callers: policy refuses them anyway, and they must not be able to
  // make the proxy query Dagster on their behalf.
  const fields = await judgeMutationFields(op.fields, isAuthenticated(request.identity) ? options.lookup : undefined);
  const sourced = await requestChange(request.req.headers['x-gerrit-change'], deploymentChangeRef(deployment), request.identity, options.changeClaims ?? DEFAULT_CHANGE_CLAIMS);
  const change = sourced?.ref;
  const body = op.fields.some((f) => createsRuns(f.name)) ? stamped(op, gql, runTags(request.identity, request.requestId, change, deployment)) : untouched;
  const action = topAction(fields.map((f) => f.action));
  return {
    action,
    resource: { ...resourceOp, fields, ...aggregate(fields), ...(sourced === undefined ? {} : { change: changeInput(sourced) }) },
    ...(change === undefined ? {} : { change }),
    body,
    ...(LAUNCH_ACTIONS.has(action) ? { responseTap: runIdTap() } : {}),
  };
}

/** For a query that selects permission fields: the per-user rewrite of Dagster's answers. */
function permissionRewrite(op: SelectedOperation, request: ClassifyRequest, options: GraphqlClassifyOptions, deployment: DeploymentInput): JsonRewrite | undefined {
  const plan = options.decider === undefined ? undefined : planPermissions(op);
  if (plan === undefined || options.decider === undefined) return undefined;
  const context = {
    subject: subjectInput(request.identity),
    deployment,
    // Asked as the mutation a button would send: a POST to this same path.
    request: { method: 'POST', path: request.target.path, ip: request.clientIp, requestId: request.requestId },
  };
  return permissionJsonRewrite(plan, options.decider, context);
}

/** For a query that selects changedReasons on a branch deployment: the change-tracking marks. */
function reasonsRewrite(op: SelectedOperation, options: GraphqlClassifyOptions): JsonRewrite | undefined {
  const plan = options.changedReasons === undefined ? undefined : planChangedReasons(op);
  if (plan === undefined || options.changedReasons === undefined) return undefined;
  return changedReasonsJsonRewrite(plan, options.changedReasons);
}

function stamped(op: SelectedOperation, gql: GraphqlRequest, tags: readonly Tag[]): ForwardBody {
  const result = stampRunTags(op, tags);
  if (gql.transport === 'graphql') {
    // application/graphql carries no variables, so only literals can have been rewritten.
    if (result.changedVariables.length > 0) throw new ChangegateError('bad_request', 'send run-creating mutations that use variables as application/json');
    return { kind: 'buffered', bytes: Buffer.from(result.query ?? gql.query ?? '', 'utf8') };
  }
  const body = { ...gql.jsonBody, query: result.query ?? gql.query, variables: result.variables };
  return { kind: 'buffered', bytes: Buffer.from(JSON.stringify(body), 'utf8') };
}

/** Queries and subscriptions name runs by `runId`; listing them lets policy scope reads too. */
function readScope(args: Readonly<Record<string, unknown>>): { runIds?: string[] } {
  const runId = args['runId'];
  return typeof runId === 'string' ? { runIds: [runId] } : {};
}

/** Every location, job, run and asset the request touches, for policies that do not walk fields. */

function aggregate(fields: readonly Partial<JudgedField>[]): Record<string, string[]> {
  const sets: Record<string, Set<string>> = { locations: new Set(), jobs: new Set(), runIds: new Set(), assetKeys: new Set(), actions: new Set() };
  for (const f of fields) {
    if (f.location !== undefined) sets['locations']!.add(f.location);
    if (f.job !== undefined) sets['jobs']!.add(f.job);
    for (const id of f.runIds ?? []) sets['runIds']!.add(id);
    for (const k of f.assetKeys ?? []) sets['assetKeys']!.add(k);
    if (f.action !== undefined) sets['actions']!.add(f.action);
  }
  return Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, [...v].sort()]));
}
