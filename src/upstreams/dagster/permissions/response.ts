// The response rewrite a permission-selecting query asks the forwarder for: the whole upstream
// body, rewritten per user (rewrite.ts) with the decider behind the request's own decision.

import type { Decider } from '../../../policy/types.js';
import type { ResponseRewrite } from '../../../pipeline/types.js';
import { permissionCheck, type PermissionContext } from './check.js';
import type { PermissionPlan } from './plan.js';
import { rewritePermissionBody } from './rewrite.js';

export function permissionResponseRewrite(plan: PermissionPlan, decider: Decider, context: PermissionContext, maxBytes: number): ResponseRewrite {
  return {
    maxBytes,
    // Checked once the answer is in, so a policy reload during the request is seen.
    rewrite: (body) => {
      try {
        return rewritePermissionBody(body, plan, permissionCheck(decider, context)) ?? body;
      } catch {
        // The forwarder must still answer. These are UI hints only: every mutation behind a
        // button is decided on its own, so Dagster's answer is safe to pass on.
        return body;
      }
    },
  };
}
