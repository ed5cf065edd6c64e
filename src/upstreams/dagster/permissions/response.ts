// The rewrite a permission-selecting query gets (graphql/json-rewrite.ts runs it on the parsed
// answer): Dagster's permission answers, rewritten per user (rewrite.ts) with the decider behind
// the request's own decision.

import type { Decider } from '../../../policy/types.js';
import type { JsonRewrite } from '../graphql/json-rewrite.js';
import { permissionCheck, type PermissionContext } from './check.js';
import type { PermissionPlan } from './plan.js';
import { rewritePermissions } from './rewrite.js';

export function permissionJsonRewrite(plan: PermissionPlan, decider: Decider, context: PermissionContext): JsonRewrite {
  // Checked once the answer is in, so a policy reload during the request is seen.
  return (response) => rewritePermissions(response, plan, permissionCheck(decider, context));
}
