// Finds, in a query, the response keys under which Dagster will answer permission fields:
// `permissions { permission value disabledReason }` lists and has*Permission booleans. The UI
// aliases them (`unscopedPermissions: permissions`), so keys come from the AST, fragments
// expanded and type conditions merged (a merged key can only ever be turned to false).
// Fields whose arguments name a code location or job (`pipelineOrError(params: {...})`) carry
// that scope, so permissions answered below them are decided for that location and job.

import { Kind, valueFromASTUntyped, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { SelectedOperation } from '../graphql/document.js';
import { obj, str } from '../graphql/values.js';
import { ChangegateError } from '../../../errors.js';
import { BOOLEAN_FIELDS } from './names.js';

/** Where a permission applies, as far as the query or the response says. */
export interface PermissionScope {
  readonly location?: string;
  readonly job?: string;
}

export interface PlanField {
  readonly key: string;
  readonly name: string;
  readonly children: readonly PlanField[];
  /** The location and job this field's arguments select, if they select one. */
  readonly scope?: PermissionScope;
}

/** The selection tree of a query, or undefined when it selects no permission field at all. */
export interface PermissionPlan {
  readonly root: readonly PlanField[];
}

/**
 * What planning one query may cost. Fragments are expanded once each and fields with one response
 * key are merged, as the executor merges them, so a fragment spread many times costs nothing
 * extra; what is left to bound is the size of the merged selection tree itself, which is also the
 * size of the answer Dagster would build. The UI's largest queries stay far below these.
 */
export const PLAN_LIMITS = {
  /** Selections read plus merged fields built. */
  fields: 20_000,
  /** Nested fields, fragments expanded. */
  depth: 48,
  /** Aliased fields: each alias is one more copy of a subtree in the answer. */
  aliases: 2_000,
} as const;

export function planPermissions(op: SelectedOperation): PermissionPlan | undefined {
  return planSelections(op, (name) => name === 'permissions' || Object.hasOwn(BOOLEAN_FIELDS, name));
}

/**
 * The merged selection tree of a query (limits as above), or undefined when it selects no field
 * `wanted` names: shared by every rewrite that must find its fields under any alias or fragment.
 */
export function planSelections(op: SelectedOperation, wanted: (fieldName: string) => boolean): PermissionPlan | undefined {
  if (op.type !== 'query') return undefined;
  const planner = new Planner(op, wanted);
  const root = planner.selectionSet(op.operation.selectionSet, 0);
  return planner.found ? { root } : undefined;
}

class Planner {
  found = false;
  readonly #wanted: (fieldName: string) => boolean;
  readonly #fragments = new Map<string, FragmentDefinitionNode>();
  /** Each fragment's merged fields, planned once. The plan ignores type conditions, so the name is the whole key. */
  readonly #memo = new Map<string, readonly PlanField[]>();
  readonly #expanding = new Set<string>();
  /** Height of every planned field (1 for a leaf), for the depth limit when a fragment is reused deeper down. */
  readonly #height = new WeakMap<PlanField, number>();
  readonly #variables: Readonly<Record<string, unknown>>;
  #work = 0;
  #aliases = 0;

  constructor(op: SelectedOperation, wanted: (fieldName: string) => boolean) {
    this.#wanted = wanted;
    this.#variables = op.variables;
    for (const d of op.document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) this.#fragments.set(d.name.value, d);
  }

  /** The fields a selection set answers with, one per response key, at nesting `depth`. */
  selectionSet(set: SelectionSetNode | undefined, depth: number): readonly PlanField[] {
    if (set === undefined) return [];
    const lists: (readonly PlanField[])[] = [];
    this.#collect(set, depth, lists);
    return this.#merge(lists);
  }

  #collect(set: SelectionSetNode, depth: number, lists: (readonly PlanField[])[]): void {
    const own: PlanField[] = [];
    for (const s of set.selections) {
      this.#spend();
      if (s.kind === Kind.FIELD) own.push(this.#field(s, depth));
      else if (s.kind === Kind.INLINE_FRAGMENT) this.#collect(s.selectionSet, depth, lists);
      else lists.push(this.#fragment(s.name.value, depth));
    }
    lists.push(own);
  }

  #field(s: FieldNode, depth: number): PlanField {
    if (depth >= PLAN_LIMITS.depth) throw tooBig(`nests fields more than ${PLAN_LIMITS.depth} deep`);
    const name = s.name.value;
    if (this.#wanted(name)) this.found = true;
    if (s.alias !== undefined && ++this.#aliases > PLAN_LIMITS.aliases) throw tooBig(`uses more than ${PLAN_LIMITS.aliases} aliases`);
    const scope = argumentScope(s, this.#variables);
    const children = this.selectionSet(s.selectionSet, depth + 1);
    return this.#node({ key: s.alias?.value ?? name, name, children, ...(scope === undefined ? {} : { scope }) });
  }

  #fragment(name: string, depth: number): readonly PlanField[] {
    const known = this.#memo.get(name);
    if (known !== undefined) {
      const height = Math.max(0, ...known.map((f) => this.#height.get(f) ?? 1));
      if (depth + height > PLAN_LIMITS.depth) throw tooBig(`nests fields more than ${PLAN_LIMITS.depth} deep`);
      return known;
    }
    // Dagster's validation refuses fragment cycles; without a schema we refuse them too.
    if (this.#expanding.has(name)) throw new ChangegateError('bad_request', `the GraphQL fragment "${name}" spreads itself`);
    // Fragments spreading fragments nest like fields do (and would recurse as deep).
    if (this.#expanding.size >= PLAN_LIMITS.depth) throw tooBig(`nests fragments more than ${PLAN_LIMITS.depth} deep`);
    this.#expanding.add(name);
    const fields = this.selectionSet(this.#fragments.get(name)?.selectionSet, depth);
    this.#expanding.delete(name);
    this.#memo.set(name, fields);
    return fields;
  }

  /**
   * One field per response key, as the executor merges them: fields under one key (which
   * validation makes the same field with the same arguments) get the union of their children.
   * A list reached twice (one fragment spread twice) is merged once.
   */
  #merge(lists: readonly (readonly PlanField[])[]): readonly PlanField[] {
    const distinct = [...new Set(lists)].filter((l) => l.length > 0);
    if (distinct.length === 0) return [];
    if (distinct.length === 1) return distinct[0]!;
    const byKey = new Map<string, Set<PlanField>>();
    for (const list of distinct) {
      for (const f of list) {
        const same = byKey.get(f.key);
        if (same === undefined) byKey.set(f.key, new Set([f]));
        else same.add(f);
      }
    }
    const out: PlanField[] = [];
    for (const same of byKey.values()) {
      const first = same.values().next().value as PlanField;
      if (same.size === 1) {
        out.push(first);
        continue;
      }
      this.#spend();
      const children = this.#merge([...same].map((f) => f.children));
      out.push(this.#node({ ...first, children }));
    }
    return out;
  }

  #node(field: PlanField): PlanField {
    this.#height.set(field, 1 + Math.max(0, ...field.children.map((c) => this.#height.get(c) ?? 1)));
    return field;
  }

  #spend(): void {
    if (++this.#work > PLAN_LIMITS.fields) throw tooBig(`selects more than ${PLAN_LIMITS.fields} fields once its fragments are expanded`);
  }
}

function tooBig(what: string): ChangegateError {
  return new ChangegateError('bad_request', `the GraphQL query is too large for the proxy to inspect: it ${what}`);
}

/**
 * The location and job a field's arguments name: a selector anywhere in them
 * (`repositoryLocationName`, `pipelineName` or else `jobName`, as Dagster reads them), or
 * `workspaceLocationEntryOrError(name:)`. Values come from literals and variables alike.
 */
function argumentScope(field: FieldNode, variables: Readonly<Record<string, unknown>>): PermissionScope | undefined {
  const args = field.arguments ?? [];
  if (args.length === 0) return undefined;
  const values: Record<string, unknown> = Object.fromEntries(args.map((a) => [a.name.value, valueFromASTUntyped(a.value, variables)]));
  if (field.name.value === 'workspaceLocationEntryOrError') {
    const location = str(values['name']);
    return location === undefined ? undefined : { location };
  }
  return selectorScope(values, 0);
}

function selectorScope(value: unknown, depth: number): PermissionScope | undefined {
  const o = obj(value);
  if (o === undefined || depth > 4) return undefined;
  const location = str(o['repositoryLocationName']);
  if (location !== undefined) {
    const job = str(o['pipelineName']) || str(o['jobName']);
    return job === undefined ? { location } : { location, job };
  }
  for (const v of Object.values(o)) {
    const inner = selectorScope(v, depth + 1);
    if (inner !== undefined) return inner;
  }
  return undefined;
}
