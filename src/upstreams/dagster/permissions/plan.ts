// Finds, in a query, the response keys under which Dagster will answer permission fields:
// `permissions { permission value disabledReason }` lists and has*Permission booleans. The UI
// aliases them (`unscopedPermissions: permissions`), so keys come from the AST, fragments
// expanded and type conditions merged (a merged key can only ever be turned to false).
// Fields whose arguments name a code location or job (`pipelineOrError(params: {...})`) carry
// that scope, so permissions answered below them are decided for that location and job.

import { Kind, valueFromASTUntyped, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { SelectedOperation } from '../graphql/document.js';
import { obj, str } from '../graphql/values.js';
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

const MAX_DEPTH = 32;

export function planPermissions(op: SelectedOperation): PermissionPlan | undefined {
  if (op.type !== 'query') return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of op.document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let found = false;
  const build = (set: SelectionSetNode | undefined, depth: number, seen: ReadonlySet<string>): PlanField[] => {
    if (set === undefined || depth > MAX_DEPTH) return [];
    const out: PlanField[] = [];
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        const name = s.name.value;
        if (name === 'permissions' || Object.hasOwn(BOOLEAN_FIELDS, name)) found = true;
        const scope = argumentScope(s, op.variables);
        out.push({ key: s.alias?.value ?? name, name, children: build(s.selectionSet, depth + 1, seen), ...(scope === undefined ? {} : { scope }) });
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        out.push(...build(s.selectionSet, depth, seen));
      } else if (!seen.has(s.name.value)) {
        out.push(...build(fragments.get(s.name.value)?.selectionSet, depth, new Set([...seen, s.name.value])));
      }
    }
    return out;
  };
  const root = build(op.operation.selectionSet, 0, new Set());
  return found ? { root } : undefined;
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
