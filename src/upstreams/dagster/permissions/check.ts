// The PermissionCheck the response rewriter uses, backed by the real decider: each UI
// permission is asked as the one-field mutation it would enable, so the button and the
// mutation behind it can never disagree.

import type { Decider, PolicyInput, SubjectInput } from '../../../policy/types.js';
import type { DeploymentInput } from '../deployment.js';
import type { PermissionScope } from './plan.js';
import type { PermissionCheck } from './rewrite.js';

export interface PermissionContext {
  readonly subject: SubjectInput | null;
  /** The resource's deployment, exactly as the classifier reports it for mutations. */
  readonly deployment: DeploymentInput;
  /** The request whose response is being rewritten (for the policy's request fields). */
  readonly request: PolicyInput['request'];
}

export function permissionCheck(decider: Decider, context: PermissionContext): PermissionCheck {
  return (action, scope) => {
    const field = { field: '(permission)', action, ...scopeAttributes(scope) };
    const decision = decider.decide({
      subject: context.subject,
      action,
      resource: {
        upstream: 'dagster',
        deployment: context.deployment,
        route: 'graphql',
        operation: 'mutation',
        permissionCheck: true,
        fields: [field],
        locations: scope.location === undefined ? [] : [scope.location],
        jobs: scope.job === undefined ? [] : [scope.job],
        runIds: [],
        assetKeys: [],
        actions: [action],
      },
      request: context.request,
    });
    return { allow: decision.allow, reasons: decision.reasons };
  };
}

function scopeAttributes(scope: PermissionScope): PermissionScope {
  return { ...(scope.location === undefined ? {} : { location: scope.location }), ...(scope.job === undefined ? {} : { job: scope.job }) };
}
