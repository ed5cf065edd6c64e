// What Gerrit tells the rest of Changegate about a change, from its webhook events and from the
// requests that went through us: a change got a new patch set (or was created, or restored), or
// it closed. The branch-deployment loop acts on these; it reads the change's state from Gerrit
// itself, so a signal is a nudge, never a fact it trusts.

import type { AfterForwardEffect } from '../../../pipeline/types.js';
import { closes } from './revoke-on-close.js';
import { ACTIONS } from '../rest/match.js';

export type ChangeSignal =
  | { readonly kind: 'updated'; readonly change: number }
  | { readonly kind: 'closed'; readonly change: number; readonly reason: 'MERGED' | 'CLOSED' };

export const SIGNAL_CHANGES = 'signal-changed-changes';

/** After a 2xx: a push names the changes it created or updated; a submit, abandon or restore names its change. */
export function signalChanges(onChange: (signal: ChangeSignal) => void): AfterForwardEffect {
  return {
    name: SIGNAL_CHANGES,
    run: ({ classification, outcome }) => {
      if (classification.action.startsWith('gerrit.push.')) {
        const changes = outcome.learned?.['changes'];
        if (Array.isArray(changes)) for (const n of changes) if (typeof n === 'number') onChange({ kind: 'updated', change: n });
        return;
      }
      const change = classification.change?.number;
      if (change === undefined) return;
      if (closes(classification)) onChange({ kind: 'closed', change, reason: classification.action === ACTIONS.submit ? 'MERGED' : 'CLOSED' });
      else if (classification.resource['view'] === 'restore') onChange({ kind: 'updated', change });
    },
  };
}
