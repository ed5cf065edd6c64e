// The after-forward effect that closes the loop in Gerrit: when a Dagster run is launched for a
// Gerrit change and Dagster answered with its run id, the launch is handed on (main connects it
// to Gerrit's notifier, which posts on the change). The classification says who launched what
// for which change, and the response tap (run-id-tap.ts) says the run id.

import { isAuthenticated } from '../../identity/types.js';
import type { AfterForwardEffect } from '../../pipeline/types.js';
import { LAUNCH_ACTIONS } from './actions.js';

/** A run launched for a Gerrit change. */
export interface RunLaunch {
  readonly change: number;
  readonly project?: string;
  /** The launcher's email, or id when it has none. */
  readonly subject: string;
  readonly job: string;
  readonly location: string;
  readonly runId: string;
}

export const ANNOUNCE_RUN = 'announce-run-on-change';

/**
 * Where a change must have come from for the service account to speak about it: the branch
 * deployment, a claim Gerrit confirmed the caller can see, or a trusted role (change.ts).
 * Never a client header alone.
 */
const ANNOUNCEABLE_SOURCES: ReadonlySet<unknown> = new Set(['deployment', 'header-verified', 'header-trusted']);

/** `notify` must not throw or wait: it runs after the completion record is durable. */
export function announceRun(notify: (launch: RunLaunch) => void): AfterForwardEffect {
  return {
    name: ANNOUNCE_RUN,
    run: ({ identity, classification, outcome }) => {
      const change = classification.change?.number;
      const runId = outcome.learned?.['runId'];
      if (change === undefined || !LAUNCH_ACTIONS.has(classification.action) || !isAuthenticated(identity)) return;
      if (typeof runId !== 'string' || runId === '') return;
      const { resource } = classification;
      if (!ANNOUNCEABLE_SOURCES.has((resource['change'] as { source?: unknown } | undefined)?.source)) return;
      const text = (v: unknown, fallback: string): string => (typeof v === 'string' && v !== '' ? v : fallback);
      notify({
        change,
        ...(classification.change?.project === undefined ? {} : { project: classification.change.project }),
        subject: identity.email ?? identity.id,
        // The classifier lists jobs and locations; a launch names one of each.
        job: text(resource['job'] ?? first(resource['jobs']), 'unknown job'),
        location: text(resource['location'] ?? first(resource['locations']), 'unknown location'),
        runId,
      });
    },
  };
}

function first(list: unknown): unknown {
  return Array.isArray(list) ? list[0] : undefined;
}
