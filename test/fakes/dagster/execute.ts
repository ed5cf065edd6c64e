// One GraphQL document through the real schema: parse, validate (a document the schema refuses
// never executes, and answers 400 as the webserver does), then execute or subscribe with the
// stand-in's roots, recording what ran.

import {
  GraphQLError, Kind, getOperationAST, parse, subscribe, validate, execute,
  type DocumentNode, type ExecutionResult, type FormattedExecutionResult, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import type { Created, ExecContext, RootValue } from './context.js';
import { fieldResolver, typeResolver } from './defaults.js';
import type { DagsterModel } from './model.js';
import { mutationRoot } from './mutation-root.js';
import { queryRoot } from './query-root.js';
import type { OperationType, Received, Recorder, Transport } from './records.js';
import { dagsterSchema } from './schema.js';
import { subscriptionRoot } from './subscription-root.js';

export interface GraphQLRequest {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName: string | null;
}

export type Prepared =
  | { readonly ok: true; readonly document: DocumentNode; readonly operation: OperationDefinitionNode }
  | { readonly ok: false; readonly errors: readonly GraphQLError[] };

const ROOTS: Readonly<Record<OperationType, RootValue>> = { query: queryRoot, mutation: mutationRoot, subscription: subscriptionRoot };

export function prepare(request: GraphQLRequest): Prepared {
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (e) {
    return { ok: false, errors: [e instanceof GraphQLError ? e : new GraphQLError(String(e))] };
  }
  const errors = validate(dagsterSchema(), document);
  if (errors.length > 0) return { ok: false, errors };
  const operation = getOperationAST(document, request.operationName);
  if (operation === null || operation === undefined) {
    const message = request.operationName === null ? 'Must provide operation name if query contains multiple operations.' : `Unknown operation named "${request.operationName}".`;
    return { ok: false, errors: [new GraphQLError(message)] };
  }
  return { ok: true, document, operation };
}

function rootFields(document: DocumentNode, set: SelectionSetNode, seen = new Set<string>()): string[] {
  const names: string[] = [];
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) names.push(sel.name.value);
    else if (sel.kind === Kind.INLINE_FRAGMENT) names.push(...rootFields(document, sel.selectionSet, seen));
    else if (!seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      const frag = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value);
      if (frag?.kind === Kind.FRAGMENT_DEFINITION) names.push(...rootFields(document, frag.selectionSet, seen));
    }
  }
  return names;
}

export interface Execution {
  readonly request: GraphQLRequest;
  readonly prepared: Extract<Prepared, { ok: true }>;
  readonly transport: Transport;
  readonly received: Received;
  readonly model: DagsterModel;
  readonly recorder: Recorder;
}

function args(ex: Execution, ctx: ExecContext, kind: OperationType) {
  return {
    schema: dagsterSchema(),
    document: ex.prepared.document,
    rootValue: ROOTS[kind],
    contextValue: ctx,
    variableValues: ex.request.variables,
    operationName: ex.prepared.operation.name?.value ?? null,
    fieldResolver,
    typeResolver,
  };
}

function record(ex: Execution, created: Created[]): void {
  const operation = ex.prepared.operation;
  ex.recorder.operations.push({
    ...ex.received,
    transport: ex.transport,
    operationType: operation.operation,
    operationName: operation.name?.value ?? null,
    rootFields: rootFields(ex.prepared.document, operation.selectionSet),
    variables: ex.request.variables,
    created,
    runTags: created.flatMap((c) => (c.kind === 'run' ? [c.tags] : [])),
  });
}

/** Runs a query or mutation (a subscription document is executed once, as a query would be). */
export async function runOnce(ex: Execution): Promise<ExecutionResult> {
  const created: Created[] = [];
  const ctx: ExecContext = { model: ex.model, created };
  const kind = ex.prepared.operation.operation;
  try {
    return await execute(args(ex, ctx, kind));
  } finally {
    record(ex, created);
  }
}

/** A subscription's event stream, or a result holding the errors that prevented it. */
export async function runSubscription(ex: Execution): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const created: Created[] = [];
  record(ex, created);
  return subscribe(args(ex, { model: ex.model, created }, 'subscription'));
}

export function formatErrors(errors: readonly GraphQLError[]): FormattedExecutionResult {
  return { errors: errors.map((e) => e.toJSON()) };
}
