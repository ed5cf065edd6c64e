// Carries a query's permission plan from classification to the response: the classifier
// remembers it on the request, the forwarder's response hook reads it. Weak, so a request that
// is never answered leaks nothing.

import type { IncomingMessage } from 'node:http';
import type { PermissionPlan } from './plan.js';
import { rewritePermissions, type PermissionCheck } from './rewrite.js';

const plans = new WeakMap<IncomingMessage, PermissionPlan>();

export function rememberPermissionPlan(req: IncomingMessage, plan: PermissionPlan): void {
  plans.set(req, plan);
}

/** The plan of a GraphQL query whose response carries permission fields, if any. */
export function permissionPlanOf(req: IncomingMessage): PermissionPlan | undefined {
  return plans.get(req);
}

/**
 * Rewrites a complete, identity-encoded JSON response body. Returns undefined when nothing
 * changed or the body is not JSON (then forward the original bytes).
 */
export function rewritePermissionBody(body: Buffer, plan: PermissionPlan, check: PermissionCheck): Buffer | undefined {
  let response: unknown;
  try {
    response = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  return rewritePermissions(response, plan, check) > 0 ? Buffer.from(JSON.stringify(response), 'utf8') : undefined;
}
