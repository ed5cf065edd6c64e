// The `revoke-tokens-of-closed-change` effect: an allowed submit, abandon or delete that Gerrit
// answered 2xx reports its change as closed; anything else does not. That effects run only after
// a durable 2xx is the pipeline's part (test/pipeline/pipeline.test.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Classification } from '../../../src/pipeline/types.js';
import { closes, revokeOnClose, type ClosedChange } from '../../../src/upstreams/gerrit/events/revoke-on-close.js';
import { ALICE, fakeExchange, fakeUpstream } from '../../pipeline/fakes.js';

let seq = 0;
function request(action: string, opts: { number?: number; view?: string; upstream?: 'gerrit' | 'dagster' } = {}): Classification {
  return {
    action,
    resource: { upstream: opts.upstream ?? 'gerrit', ...(opts.view === undefined ? {} : { view: opts.view }) },
    ...(opts.number === undefined ? {} : { change: { number: opts.number } }),
    body: { kind: 'untouched' },
  };
}

function run(c: Classification): ClosedChange[] {
  const closed: ClosedChange[] = [];
  const requestId = `r${++seq}`;
  revokeOnClose((x) => closed.push(x)).run({ exchange: fakeExchange(fakeUpstream(), requestId), identity: ALICE, classification: c, outcome: { status: 200, bytesOut: 0, durationMs: 1 } });
  return closed;
}

test('a successful submit, abandon or delete closes its change', () => {
  const closed = run(request('gerrit.change.submit', { number: 5 }));
  assert.deepEqual(closed, [{ change: 5, action: 'gerrit.change.submit', requestId: `r${seq}` }]);
  assert.deepEqual(run(request('gerrit.change.update', { number: 6, view: 'abandon' })).map((c) => c.change), [6]);
  assert.deepEqual(run(request('gerrit.change.update', { number: 7, view: 'delete' })).map((c) => c.change), [7]);
});

test('not closed: other views and actions, unknown numbers, other upstreams', () => {
  assert.deepEqual(run(request('gerrit.change.update', { number: 5, view: 'restore' })), []);
  assert.deepEqual(run(request('gerrit.change.update', { number: 5 })), []);
  assert.deepEqual(run(request('gerrit.change.review', { number: 5 })), []);
  assert.deepEqual(run(request('gerrit.write.unknown', { number: 5 })), []);
  assert.deepEqual(run(request('gerrit.change.submit')), []);
  assert.deepEqual(run(request('gerrit.change.submit', { number: 5, upstream: 'dagster' })), []);
  assert.equal(closes(request('gerrit.change.submit', { upstream: 'dagster' })), false);
});
