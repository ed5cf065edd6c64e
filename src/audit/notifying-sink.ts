// An AuditSink decorator that watches the records going by and, when a Dagster run launched for a
// Gerrit change completes with a run id, hands a notice to the Gerrit notifier. Wrapping the sink
// means the pipeline needs no change: the decision record says who launched what for which change,
// and the completion record (same requestId) says the run id. Only after the inner sink has made
// the record durable is anything posted.

import type { RunNotice } from './run-notifier.js';
import type { AuditRecord, AuditSink, DecisionRecord } from './types.js';

const LAUNCH_ACTIONS = new Set(['dagster.run.launch', 'dagster.run.reexecute']);
/** Launches awaiting their completion; bounded so a flood of unanswered launches cannot grow it. */
const MAX_WAITING = 10_000;

export class NotifyingAuditSink implements AuditSink {
  readonly #inner: AuditSink;
  readonly #notify: (notice: RunNotice) => void;
  readonly #waiting = new Map<string, Omit<RunNotice, 'runId'>>();

  constructor(inner: AuditSink, notify: (notice: RunNotice) => void) {
    this.#inner = inner;
    this.#notify = notify;
  }

  get ready(): boolean {
    return this.#inner.ready;
  }

  get notReadyReason(): string | undefined {
    return this.#inner.notReadyReason;
  }

  get failOpenReads(): boolean {
    return this.#inner.failOpenReads === true;
  }

  async append(record: AuditRecord): Promise<void> {
    await this.#inner.append(record);
    if (record.kind === 'decision') this.#remember(record);
    else this.#complete(record.requestId, record.status, record.learned);
  }

  #remember(d: DecisionRecord): void {
    const change = d.change?.number;
    if (!d.decision.allow || change === undefined || !LAUNCH_ACTIONS.has(d.action) || d.subject === null) return;
    if (this.#waiting.size >= MAX_WAITING) this.#waiting.delete(this.#waiting.keys().next().value!);
    const text = (v: unknown, fallback: string): string => (typeof v === 'string' && v !== '' ? v : fallback);
    this.#waiting.set(d.requestId, {
      change,
      ...(d.change?.project === undefined ? {} : { project: d.change.project }),
      subject: d.subject.email ?? d.subject.id,
      job: text(d.resource['job'] ?? first(d.resource['jobs']), 'unknown job'),
      location: text(d.resource['location'] ?? first(d.resource['locations']), 'unknown location'),
    });
  }

  #complete(requestId: string, status: number, learned: Readonly<Record<string, unknown>> | undefined): void {
    const launch = this.#waiting.get(requestId);
    if (launch === undefined) return;
    this.#waiting.delete(requestId);
    const runId = learned?.['runId'];
    if (status >= 400 || typeof runId !== 'string' || runId === '') return;
    this.#notify({ ...launch, runId });
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** The Dagster classifier lists jobs and locations; a launch names one of each. */
function first(list: unknown): unknown {
  return Array.isArray(list) ? list[0] : undefined;
}
