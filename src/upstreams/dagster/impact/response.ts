// The rewrite a changedReasons-selecting query gets on a branch deployment's instance only
// (graphql/json-rewrite.ts runs it on the parsed answer). The lookup is asked when the answer is
// in, so a result computed while the request was under way is used; none yet (undefined) leaves
// Dagster's [] as it is.

import type { JsonRewrite } from '../graphql/json-rewrite.js';
import type { ChangedReasonsLookup } from './lookup.js';
import { rewriteChangedReasons, type ReasonsPlan } from './rewrite.js';

/** Where an instance gets the current result: undefined while none is computed (or it is stale). */
export type ChangedReasonsSource = () => ChangedReasonsLookup | undefined;

export function changedReasonsJsonRewrite(plan: ReasonsPlan, source: ChangedReasonsSource): JsonRewrite {
  return (response) => {
    const lookup = source();
    return lookup === undefined ? 0 : rewriteChangedReasons(response, plan, lookup);
  };
}
