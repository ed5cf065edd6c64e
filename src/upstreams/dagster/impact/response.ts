// The response rewrite a changedReasons-selecting query asks the forwarder for, on a branch
// deployment's instance only. The lookup is asked when the answer is in, so a result computed
// while the request was under way is used; none yet (undefined) leaves Dagster's [] as it is.

import type { ResponseRewrite } from '../../../pipeline/types.js';
import type { ChangedReasonsLookup } from './lookup.js';
import { rewriteChangedReasonsBody, type ReasonsPlan } from './rewrite.js';

/** Where an instance gets the current result: undefined while none is computed (or it is stale). */
export type ChangedReasonsSource = () => ChangedReasonsLookup | undefined;

export function changedReasonsResponseRewrite(plan: ReasonsPlan, source: ChangedReasonsSource, maxBytes: number): ResponseRewrite {
  return {
    maxBytes,
    rewrite: (body) => {
      try {
        const lookup = source();
        return lookup === undefined ? body : (rewriteChangedReasonsBody(body, plan, lookup) ?? body);
      } catch {
        // UI hints only: Dagster's own answer is always safe to pass on.
        return body;
      }
    },
  };
}

/** Both rewrites over one response, in order; either alone when the other is absent. */
export function chainRewrites(a: ResponseRewrite | undefined, b: ResponseRewrite | undefined): ResponseRewrite | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { maxBytes: Math.min(a.maxBytes, b.maxBytes), rewrite: (body) => b.rewrite(a.rewrite(body)) };
}
