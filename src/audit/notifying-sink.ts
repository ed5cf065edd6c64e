// Watches the records going by and, when a Dagster run launched for a Gerrit change completes
// with a run id, hands a notice to the Gerrit notifier. The decision record says who launched
// what for which change, and the completion record (same requestId) says the run id.

import type { RunNotice } from './run-notifier.js';
import type { AuditSink, DecisionRecord } from './types.js';
import { WatchingAuditSink } from './watching-sink.js';

const LAUNCH_ACTIONS = new Set(['dagster.run.launch', 'dagster.run.reexecute']);

type Launch = Omit<RunNotice, 'runId'>;

export class NotifyingAuditSink extends WatchingAuditSink<Launch> {
  constructor(inner: AuditSink, notify: (notice: RunNotice) => void) {
    super(inner, {
      start: launchOf,
      finish: (launch, completion) => {
        const runId = completion.learned?.['runId'];
        if (completion.status >= 400 || typeof runId !== 'string' || runId === '') return;
        notify({ ...launch, runId });
      },
    });
  }
}

/**
 * Where a change must have come from for the service account to speak about it: the branch
 * deployment, a claim Gerrit confirmed the caller can see, or a trusted role (src/dagster/change.ts).
 * Never a client header alone.
 */
const ANNOUNCEABLE_SOURCES: ReadonlySet<unknown> = new Set(['deployment', 'header-verified', 'header-trusted']);

function launchOf(d: DecisionRecord): Launch | undefined {
  const change = d.change?.number;
  if (!d.decision.allow || change === undefined || !LAUNCH_ACTIONS.has(d.action) || d.subject === null) return undefined;
  const source = (d.resource['change'] as { source?: unknown } | undefined)?.source;
  if (!ANNOUNCEABLE_SOURCES.has(source)) return undefined;
  const text = (v: unknown, fallback: string): string => (typeof v === 'string' && v !== '' ? v : fallback);
  return {
    change,
    ...(d.change?.project === undefined ? {} : { project: d.change.project }),
    subject: d.subject.email ?? d.subject.id,
    job: text(d.resource['job'] ?? first(d.resource['jobs']), 'unknown job'),
    location: text(d.resource['location'] ?? first(d.resource['locations']), 'unknown location'),
  };
}

/** The Dagster classifier lists jobs and locations; a launch names one of each. */
function first(list: unknown): unknown {
  return Array.isArray(list) ? list[0] : undefined;
}
