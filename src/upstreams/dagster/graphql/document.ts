// Turns a GraphQL request into the root fields that will execute: the operation chosen as the
// executor chooses it (operationName, or the only one), fragments and inline fragments expanded,
// aliases kept apart from field names, and argument values resolved from literals, variables
// and variable defaults. @skip/@include are ignored on purpose: a field that might execute is
// judged as if it will.

import {
  GraphQLError,
  Kind,
  parse,
  validate,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { ChangegateError } from '../../../errors.js';

export type OperationType = 'query' | 'mutation' | 'subscription';

export interface RootField {
  /** The schema field name (what executes). */
  readonly name: string;
  /** The response key: the alias when there is one. */
  readonly responseKey: string;
  readonly node: FieldNode;
  /** Argument values with variables substituted; undefined where a variable was not supplied. */
  readonly args: Readonly<Record<string, unknown>>;
}

export interface SelectedOperation {
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly type: OperationType;
  readonly name: string | undefined;
  readonly fields: readonly RootField[];
  /** Variables after defaults were applied: what the executor will see. */
  readonly variables: Readonly<Record<string, unknown>>;
}

/** Bounds the parser's work on hostile documents; the UI's largest query is well below this. */
const MAX_TOKENS = 50_000;

/**
 * Documents already found valid, per schema. Clients send the same few documents over and over
 * with new variables, and validation against Dagster's schema costs ten times the parse.
 */
const validated = new WeakMap<GraphQLSchema, LRUCache<string, true>>();

/**
 * Parsed documents, by their text: the Dagster UI sends the same large queries again and again,
 * and parsing one costs more than the rest of its classification. Shared between requests, so
 * never edited: tag stamping prints an edited copy (stamp-tags.ts). Bounded by text size, and
 * only documents up to MAX_CACHED_TEXT are kept (an AST is tens of times its text).
 */
const MAX_CACHED_TEXT = 64 * 1024;
const parsed = new LRUCache<string, DocumentNode>({ maxSize: 1024 * 1024, maxEntrySize: MAX_CACHED_TEXT, sizeCalculation: (_d, query) => Math.max(1, query.length) });

function validatedFor(schema: GraphQLSchema): LRUCache<string, true> {
  let cache = validated.get(schema);
  if (cache === undefined) {
    cache = new LRUCache<string, true>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (_v, query) => Math.max(1, query.length) });
    validated.set(schema, cache);
  }
  return cache;
}

export function parseDocument(query: string, schema: GraphQLSchema | undefined): DocumentNode {
  let document = parsed.get(query);
  if (document === undefined) {
    try {
      document = parse(query, { maxTokens: MAX_TOKENS, noLocation: false });
    } catch (e) {
      throw new ChangegateError('bad_request', `the GraphQL document does not parse: ${message(e)}`);
    }
    parsed.set(query, document);
  }
  if (schema === undefined) return document;
  const valid = validatedFor(schema);
  if (valid.get(query) === undefined) {
    let errors: readonly GraphQLError[];
    try {
      errors = validate(schema, document, undefined, { maxErrors: 5 });
    } catch (e) {
      // Some rules throw instead of reporting (SingleFieldSubscriptionsRule on a directive with
      // an undefined variable): still the client's document that is wrong, so still a 400.
      throw new ChangegateError('bad_request', `the GraphQL document is not valid for Dagster's schema: ${message(e)}`);
    }
    const first = errors[0];
    if (first !== undefined) throw new ChangegateError('bad_request', `the GraphQL document is not valid for Dagster's schema: ${first.message}`);
    valid.set(query, true);
  }
  return document;
}

export function selectOperation(document: DocumentNode, operationName: string | undefined, variables: Readonly<Record<string, unknown>>): SelectedOperation {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = pick(operations, operationName);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const effective = withDefaults(operation, variables);
  const nodes: FieldNode[] = [];
  collect(operation.selectionSet, fragments, new Set(), nodes);
  const fields = nodes.map((node) => ({
    name: node.name.value,
    responseKey: node.alias?.value ?? node.name.value,
    node,
    args: Object.fromEntries((node.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value, effective)])),
  }));
  return { document, operation, type: operation.operation as OperationType, name: operation.name?.value, fields, variables: effective };
}

function pick(operations: readonly OperationDefinitionNode[], operationName: string | undefined): OperationDefinitionNode {
  if (operationName !== undefined) {
    const named = operations.filter((o) => o.name?.value === operationName);
    if (named.length !== 1) throw new ChangegateError('bad_request', `the GraphQL document has ${named.length === 0 ? 'no' : 'more than one'} operation named "${operationName}"`);
    return named[0] as OperationDefinitionNode;
  }
  if (operations.length !== 1) {
    throw new ChangegateError('bad_request', operations.length === 0 ? 'the GraphQL document has no operation' : 'the GraphQL document has several operations; name one with operationName');
  }
  return operations[0] as OperationDefinitionNode;
}

function withDefaults(operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): Record<string, unknown> {
  // Null prototype: `$__proto__` is a valid GraphQL variable name, and assigning its default on
  // a plain object would set the object's prototype instead of a variable.
  const out: Record<string, unknown> = nullProto(variables);
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    if (!Object.hasOwn(variables, name) && def.defaultValue !== undefined) out[name] = valueFromASTUntyped(def.defaultValue);
  }
  return out;
}

/** A copy of `values` with no prototype, so every key, `__proto__` included, is plain data. */
export function nullProto(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, values);
}

/** Root fields in document order; a fragment is expanded once, which also stops cycles. */
function collect(set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, seen: Set<string>, out: FieldNode[]): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, fragments, seen, out);
    else {
      const name = selection.name.value;
      if (seen.has(name)) continue;
      seen.add(name);
      const fragment = fragments.get(name);
      if (fragment === undefined) throw new ChangegateError('bad_request', `the GraphQL document spreads an unknown fragment "${name}"`);
      collect(fragment.selectionSet, fragments, seen, out);
    }
  }
}

function message(e: unknown): string {
  return e instanceof GraphQLError || e instanceof Error ? e.message : String(e);
}
