// The after-forward effect that sees a change close when the close goes through us: an allowed
// submit, abandon or delete names the change; when Gerrit answered 2xx (the pipeline runs
// effects only then, after the completion record is durable), the change is closed and the
// tokens bound to it are revoked. Changes closed alongside (a topic submitted together) and
// closes made outside the proxy arrive as webhook events instead (route.ts).

import type { AfterForwardEffect, Classification } from '../../../pipeline/types.js';
import { ACTIONS, CLOSING_UPDATE_VIEWS } from '../rest/match.js';

export interface ClosedChange {
  readonly change: number;
  readonly action: string;
  readonly requestId: string;
}

export const REVOKE_ON_CLOSE = 'revoke-tokens-of-closed-change';

/** `onClosed` must not throw; it runs after the completion record is durable. */
export function revokeOnClose(onClosed: (closed: ClosedChange) => void): AfterForwardEffect {
  return {
    name: REVOKE_ON_CLOSE,
    run: ({ exchange, classification }) => {
      const change = classification.change?.number;
      if (change !== undefined && closes(classification)) onClosed({ change, action: classification.action, requestId: exchange.requestId });
    },
  };
}

/** Whether an allowed Gerrit request, once it succeeds, has closed its change. */
export function closes(c: Pick<Classification, 'action' | 'resource'>): boolean {
  if (c.resource.upstream !== 'gerrit') return false;
  if (c.action === ACTIONS.submit) return true;
  const view = c.resource['view'];
  return c.action === ACTIONS.update && typeof view === 'string' && CLOSING_UPDATE_VIEWS.has(view);
}
