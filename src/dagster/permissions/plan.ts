// Finds, in a query, the response keys under which Dagster will answer permission fields:
// `permissions { permission value disabledReason }` lists and has*Permission booleans. The UI
// aliases them (`unscopedPermissions: permissions`), so keys come from the AST, fragments
// expanded and type conditions merged (a merged key can only ever be turned to false).

import { Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { SelectedOperation } from '../graphql/document.js';
import { BOOLEAN_FIELDS } from './names.js';

export interface PlanField {
  readonly key: string;
  readonly name: string;
  readonly children: readonly PlanField[];
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
        out.push({ key: s.alias?.value ?? name, name, children: build(s.selectionSet, depth + 1, seen) });
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
