// The audit-sink observer: an allowed submit, abandon or delete whose completion is 2xx reports
// the change as closed, after the inner sink took the record; anything else does not.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditRecord, AuditSink, CompletionRecord, DecisionRecord } from '../../../src/audit/types.js';
import { ClosedChangesAuditSink, type ClosedChange } from '../../../src/upstreams/gerrit/events/revoke-on-close.js';

class Inner implements AuditSink {
  readonly records: AuditRecord[] = [];
  failing = false;
  readonly ready = true;
  readonly notReadyReason = undefined;
  async append(r: AuditRecord): Promise<void> {
    if (this.failing) throw new Error('disk full');
    this.records.push(r);
  }
  async close(): Promise<void> {}
}

let seq = 0;
function decision(action: string, opts: { allow?: boolean; number?: number; view?: string; upstream?: 'gerrit' | 'dagster' } = {}): DecisionRecord {
  return {
    kind: 'decision',
    time: new Date().toISOString(),
    requestId: `r${++seq}`,
    subject: { id: 'bob', roles: ['reviewer'], via: 'pat' },
    action,
    resource: { upstream: opts.upstream ?? 'gerrit', ...(opts.view === undefined ? {} : { view: opts.view }) },
    ...(opts.number === undefined ? {} : { change: { number: opts.number } }),
    decision: { allow: opts.allow ?? true, reasons: [], revision: 'r' },
    request: { method: 'POST', path: '/x', ip: '127.0.0.1', userAgent: '' },
  };
}

function completion(d: DecisionRecord, status: number): CompletionRecord {
  return { kind: 'completion', time: new Date().toISOString(), requestId: d.requestId, status, bytesIn: 0, bytesOut: 0, durationMs: 1 };
}

async function run(d: DecisionRecord, status: number, inner = new Inner()): Promise<ClosedChange[]> {
  const closed: ClosedChange[] = [];
  const sink = new ClosedChangesAuditSink(inner, (c) => closed.push(c));
  await sink.append(d);
  await sink.append(completion(d, status));
  return closed;
}

test('a successful submit, abandon or delete closes its change', async () => {
  const submit = decision('gerrit.change.submit', { number: 5 });
  assert.deepEqual(await run(submit, 200), [{ change: 5, action: 'gerrit.change.submit', requestId: submit.requestId }]);
  assert.deepEqual((await run(decision('gerrit.change.update', { number: 6, view: 'abandon' }), 200)).map((c) => c.change), [6]);
  assert.deepEqual((await run(decision('gerrit.change.update', { number: 7, view: 'delete' }), 204)).map((c) => c.change), [7]);
});

test('not closed: failed upstream answers, denials, other views and actions, unknown numbers, other upstreams', async () => {
  for (const status of [409, 404, 500, 502, 302]) assert.deepEqual(await run(decision('gerrit.change.submit', { number: 5 }), status), [], String(status));
  assert.deepEqual(await run(decision('gerrit.change.submit', { number: 5, allow: false }), 200), []);
  assert.deepEqual(await run(decision('gerrit.change.update', { number: 5, view: 'restore' }), 200), []);
  assert.deepEqual(await run(decision('gerrit.change.update', { number: 5 }), 200), []);
  assert.deepEqual(await run(decision('gerrit.change.review', { number: 5 }), 200), []);
  assert.deepEqual(await run(decision('gerrit.write.unknown', { number: 5 }), 200), []);
  assert.deepEqual(await run(decision('gerrit.change.submit'), 200), []);
  assert.deepEqual(await run(decision('gerrit.change.submit', { number: 5, upstream: 'dagster' }), 200), []);
});

test('the inner sink comes first: a completion it cannot write closes nothing, and records pass through', async () => {
  const inner = new Inner();
  const closed: ClosedChange[] = [];
  const sink = new ClosedChangesAuditSink(inner, (c) => closed.push(c));
  const d = decision('gerrit.change.submit', { number: 9 });
  await sink.append(d);
  inner.failing = true;
  await assert.rejects(sink.append(completion(d, 200)));
  assert.deepEqual(closed, []);
  assert.deepEqual(inner.records, [d]);
});

test('a completion for an unknown request closes nothing', async () => {
  const closed: ClosedChange[] = [];
  const sink = new ClosedChangesAuditSink(new Inner(), (c) => closed.push(c));
  await sink.append(completion(decision('gerrit.change.submit', { number: 3 }), 200));
  assert.deepEqual(closed, []);
});
