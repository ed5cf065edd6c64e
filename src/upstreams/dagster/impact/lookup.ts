// Answers "what changed about this asset?" for the response rewrite, from one impact result.
// A response names an asset by its key, and by its location and repository when the query
// selected them (or through AssetNode.id). The key alone is enough unless two locations define
// it and their reasons differ: then the node is left as Dagster answered.

import { definitionId, keyId, type AssetImpact, type AssetKeyPath, type ChangeReason } from './types.js';

export interface AssetWhere {
  readonly location: string;
  readonly repository: string;
}

export interface ChangedReasonsLookup {
  /** The reasons for a branch asset ([] when unchanged); undefined when the key alone is ambiguous. */
  reasonsFor(key: AssetKeyPath, where?: AssetWhere): readonly ChangeReason[] | undefined;
}

const AMBIGUOUS = Symbol('ambiguous');
const NONE: readonly ChangeReason[] = Object.freeze([]);

export function changedReasonsLookup(impact: AssetImpact): ChangedReasonsLookup {
  const byDefinition = new Map<string, readonly ChangeReason[]>();
  const byKey = new Map<string, readonly ChangeReason[] | typeof AMBIGUOUS>();
  for (const a of impact.assets) {
    // A removed asset is not in the branch deployment: nothing there to mark.
    if (a.reasons.includes('REMOVED')) continue;
    byDefinition.set(definitionId(a.location, a.repository, a.key), a.reasons);
    const k = keyId(a.key);
    byKey.set(k, byKey.has(k) ? AMBIGUOUS : a.reasons);
  }
  return {
    reasonsFor(key, where) {
      if (where !== undefined) return byDefinition.get(definitionId(where.location, where.repository, key)) ?? NONE;
      const found = byKey.get(keyId(key));
      return found === AMBIGUOUS ? undefined : (found ?? NONE);
    },
  };
}
