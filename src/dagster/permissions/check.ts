// The PermissionCheck the response rewriter uses, backed by the real decider: each UI
// permission is asked as the one-field mutation it would enable, so the button and the
// mutation behind it can never disagree.

import type { Decider, PolicyInput, SubjectInput } from '../../policy/types.js';
import type { PermissionCheck } from './rewrite.js';

export interface PermissionContext {
  readonly subject: SubjectInput | null;
  readonly deployment: { readonly name: string; readonly branch: boolean };
  /** The request whose response is being rewritten (for the policy's request fields). */
  readonly request: PolicyInput['request'];
}

export function permissionCheck(decider: Decider, context: PermissionContext): PermissionCheck {
  return (action, scope) => {
    const decision = decider.decide({
      subject: context.subject,
      action,
      resource: {
        upstream: 'dagster',
        deployment: context.deployment,
        route: 'graphql',
        operation: 'mutation',
        permissionCheck: true,
        fields: [{ field: '(permission)', action, ...(scope.location === undefined ? {} : { location: scope.location }) }],
      },
      request: context.request,
    });
    return { allow: decision.allow, reasons: decision.reasons };
  };
}
