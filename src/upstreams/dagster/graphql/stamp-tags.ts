// Stamps every run a mutation creates with who asked for it and why: rewrites the tag lists
// of run-creating arguments, wherever they are written (inline literal, variable, variable
// default, a variable nested inside a literal, each item of a list). Client copies of our tags
// are dropped first, so a client can neither forge nor keep a parent run's `user`.
//
// Literals are edited in a copy of the document (the parsed document is shared between requests,
// document.ts), variables in the variables object, so no variable reference is ever added (the
// document stays valid for Dagster's validator). A forged tag whose
// key or value was itself a variable leaves that variable unused, which Dagster then rejects:
// such a request fails, it is never stamped wrongly.

import { Kind, print, valueFromASTUntyped, visit, type ArgumentNode, type ObjectFieldNode, type ValueNode } from 'graphql';
import { nullProto, type SelectedOperation } from './document.js';
import { obj, str, type Obj } from './values.js';
import { ownEntry } from '../../../util/own.js';

export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** Where run tags live in each run-creating field: argument, then path ('*' = every list item). */
const TAG_PATHS: Readonly<Record<string, ReadonlyArray<readonly [string, readonly string[]]>>> = {
  launchRun: [['executionParams', ['executionMetadata', 'tags']]],
  launchPipelineExecution: [['executionParams', ['executionMetadata', 'tags']]],
  launchMultipleRuns: [['executionParamsList', ['*', 'executionMetadata', 'tags']]],
  launchRunReexecution: [['executionParams', ['executionMetadata', 'tags']], ['reexecutionParams', ['extraTags']]],
  launchPipelineReexecution: [['executionParams', ['executionMetadata', 'tags']], ['reexecutionParams', ['extraTags']]],
  launchPartitionBackfill: [['backfillParams', ['tags']]],
};

export function createsRuns(fieldName: string): boolean {
  return Object.hasOwn(TAG_PATHS, fieldName);
}

/** Keys only Changegate may set. */
export function isReservedTag(key: string): boolean {
  return key === 'user' || key.startsWith('changegate/') || key.startsWith('gerrit/');
}

export interface StampResult {
  /** The printed document when a literal changed, else undefined (send the original text). */
  readonly query: string | undefined;
  readonly variables: Record<string, unknown>;
  /** Names of the variables that were rewritten. */
  readonly changedVariables: readonly string[];
  /** Number of tag lists stamped. */
  readonly stamped: number;
}

export function stampRunTags(op: SelectedOperation, tags: readonly Tag[]): StampResult {
  // Null prototype, as in document.ts: a variable named `__proto__` must be written as data.
  const variables = nullProto(op.variables);
  const changed = new Set<string>();
  let literalChanged = false;
  let stamped = 0;
  const stampList = (value: unknown): Tag[] => {
    stamped++;
    const kept = (Array.isArray(value) ? value : []).filter((t) => {
      const key = str(obj(t)?.['key']);
      return key === undefined || !isReservedTag(key);
    }) as Tag[];
    return [...kept, ...tags];
  };

  const rewriteJs = (value: unknown, path: readonly string[]): unknown => {
    const [head, ...rest] = path;
    if (head === undefined) return stampList(value);
    if (head === '*') return Array.isArray(value) ? value.map((v) => (v === null ? v : rewriteJs(v, rest))) : value;
    const o: Obj = obj(value) ?? {};
    return { ...o, [head]: rewriteJs(o[head], rest) };
  };

  const rewriteNode = (node: ValueNode, path: readonly string[]): ValueNode => {
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      variables[name] = rewriteJs(variables[name], path);
      changed.add(name);
      return node;
    }
    const [head, ...rest] = path;
    if (head === undefined) return stampListNode(node);
    if (head === '*') {
      if (node.kind !== Kind.LIST) return node;
      return { ...node, values: node.values.map((v) => (v.kind === Kind.NULL ? v : rewriteNode(v, rest))) };
    }
    literalChanged = true;
    if (node.kind !== Kind.OBJECT) return literal(rewriteJs(undefined, path));
    const existing = node.fields.find((f) => f.name.value === head);
    const value = existing === undefined ? literal(rewriteJs(undefined, rest)) : rewriteNode(existing.value, rest);
    const field: ObjectFieldNode = { kind: Kind.OBJECT_FIELD, name: { kind: Kind.NAME, value: head }, value };
    return { ...node, fields: existing === undefined ? [...node.fields, field] : node.fields.map((f) => (f === existing ? field : f)) };
  };

  const stampListNode = (node: ValueNode): ValueNode => {
    literalChanged = true;
    stamped++;
    const items = node.kind === Kind.LIST ? node.values : [];
    const kept = items.filter((item) => {
      const key = str(obj(valueFromASTUntyped(item, variables))?.['key']);
      return key === undefined || !isReservedTag(key);
    });
    return { kind: Kind.LIST, values: [...kept, ...tags.map((t) => literal(t))] };
  };

  // The arguments whose literal changed, and their new values; the document itself is not touched.
  const edits = new Map<ArgumentNode, ValueNode>();
  for (const field of op.fields) {
    for (const [argName, path] of ownEntry(TAG_PATHS, field.name) ?? []) {
      const arg = field.node.arguments?.find((a) => a.name.value === argName);
      // An absent or null argument creates no run through this path (the other one may).
      if (arg === undefined || field.args[argName] === undefined || field.args[argName] === null) continue;
      const value = rewriteNode(arg.value, path);
      if (value !== arg.value) edits.set(arg, value);
    }
  }
  return { query: literalChanged ? printEdited(op, edits) : undefined, variables, changedVariables: [...changed], stamped };
}

/** The document with the edited arguments replaced: visit() copies what it changes and leaves the original as it was. */
function printEdited(op: SelectedOperation, edits: ReadonlyMap<ArgumentNode, ValueNode>): string {
  const edited = visit(op.document, {
    Argument: (node) => {
      const value = edits.get(node);
      return value === undefined ? undefined : { ...node, value };
    },
  });
  return print(edited);
}

/** A plain JSON value (strings, objects, lists) as a GraphQL literal. */
function literal(value: unknown): ValueNode {
  if (value === null || value === undefined) return { kind: Kind.NULL };
  if (typeof value === 'string') return { kind: Kind.STRING, value };
  if (typeof value === 'boolean') return { kind: Kind.BOOLEAN, value };
  if (typeof value === 'number') return Number.isInteger(value) ? { kind: Kind.INT, value: String(value) } : { kind: Kind.FLOAT, value: String(value) };
  if (Array.isArray(value)) return { kind: Kind.LIST, values: value.map(literal) };
  return {
    kind: Kind.OBJECT,
    fields: Object.entries(value as Obj).map(([k, v]) => ({ kind: Kind.OBJECT_FIELD, name: { kind: Kind.NAME, value: k }, value: literal(v) })),
  };
}
