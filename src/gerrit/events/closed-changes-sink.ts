// Sees a change close when the close goes through us: an AuditSink decorator that watches the
// records going by. An allowed submit, abandon or delete names the change in its decision
// record; when the completion record (same requestId) says Gerrit answered 2xx, the change is
// closed and the tokens bound to it are revoked. Wrapping the sink keeps the pipeline one-way:
// nothing reaches back into it, and nothing happens before the inner sink made the record
// durable. Changes closed alongside (a topic submitted together) and closes made outside the
// proxy arrive as webhook events instead (route.ts).

import type { AuditRecord, AuditSink, DecisionRecord } from '../../audit/types.js';
import { ACTIONS, CLOSING_UPDATE_VIEWS } from '../rest/match.js';
/** Closes awaiting their completion; bounded so unanswered requests cannot grow it. */
const MAX_WAITING = 10_000;

export interface ClosedChange {
  readonly change: number;
  readonly action: string;
  readonly requestId: string;
}

export class ClosedChangesAuditSink implements AuditSink {
  readonly #inner: AuditSink;
  readonly #onClosed: (closed: ClosedChange) => void;
  readonly #waiting = new Map<string, ClosedChange>();

  /** `onClosed` must not throw; it runs after the completion record is durable. */
  constructor(inner: AuditSink, onClosed: (closed: ClosedChange) => void) {
    this.#inner = inner;
    this.#onClosed = onClosed;
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
    else this.#complete(record.requestId, record.status);
  }

  #remember(d: DecisionRecord): void {
    const change = d.change?.number;
    if (!d.decision.allow || change === undefined || !closes(d)) return;
    if (this.#waiting.size >= MAX_WAITING) this.#waiting.delete(this.#waiting.keys().next().value!);
    this.#waiting.set(d.requestId, { change, action: d.action, requestId: d.requestId });
  }

  #complete(requestId: string, status: number): void {
    const closed = this.#waiting.get(requestId);
    if (closed === undefined) return;
    this.#waiting.delete(requestId);
    if (status >= 200 && status < 300) this.#onClosed(closed);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** Whether an allowed Gerrit request, once it succeeds, has closed its change. */
export function closes(d: Pick<DecisionRecord, 'action' | 'resource'>): boolean {
  if (d.resource.upstream !== 'gerrit') return false;
  if (d.action === ACTIONS.submit) return true;
  const view = d.resource['view'];
  return d.action === ACTIONS.update && typeof view === 'string' && CLOSING_UPDATE_VIEWS.has(view);
}
