// Sees a change close when the close goes through us: an allowed submit, abandon or delete names
// the change in its decision record; when the completion record (same requestId) says Gerrit
// answered 2xx, the change is closed and the tokens bound to it are revoked. Changes closed
// alongside (a topic submitted together) and closes made outside the proxy arrive as webhook
// events instead (route.ts).

import type { AuditSink, DecisionRecord } from '../../../audit/types.js';
import { WatchingAuditSink } from '../../../audit/watching-sink.js';
import { ACTIONS, CLOSING_UPDATE_VIEWS } from '../rest/match.js';

export interface ClosedChange {
  readonly change: number;
  readonly action: string;
  readonly requestId: string;
}

export class ClosedChangesAuditSink extends WatchingAuditSink<ClosedChange> {
  /** `onClosed` must not throw; it runs after the completion record is durable. */
  constructor(inner: AuditSink, onClosed: (closed: ClosedChange) => void) {
    super(inner, {
      start: (d) => {
        const change = d.change?.number;
        return d.decision.allow && change !== undefined && closes(d) ? { change, action: d.action, requestId: d.requestId } : undefined;
      },
      finish: (closed, completion) => {
        if (completion.status >= 200 && completion.status < 300) onClosed(closed);
      },
    });
  }
}

/** Whether an allowed Gerrit request, once it succeeds, has closed its change. */
export function closes(d: Pick<DecisionRecord, 'action' | 'resource'>): boolean {
  if (d.resource.upstream !== 'gerrit') return false;
  if (d.action === ACTIONS.submit) return true;
  const view = d.resource['view'];
  return d.action === ACTIONS.update && typeof view === 'string' && CLOSING_UPDATE_VIEWS.has(view);
}
