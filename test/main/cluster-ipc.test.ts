// How the primary combines the workers' readiness: ready only when every worker it should have
// answered and every one of their checks is ready.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeReadiness } from '../../src/main/cluster-ipc.js';

const ready = { ready: true, checks: { audit: { ready: true }, policy: { ready: true } }, notReady: [] };
const auditDown = { ready: false, checks: { audit: { ready: false, reason: 'audit log not writable: EIO' }, policy: { ready: true } }, notReady: ['audit'] };

test('two ready workers make a ready cluster, with each worker\'s checks named', () => {
  const report = mergeReadiness([{ index: 2, value: ready }, { index: 1, value: ready }], 2);
  assert.equal(report.ready, true);
  assert.deepEqual(Object.keys(report.checks), ['workers', 'w1.audit', 'w1.policy', 'w2.audit', 'w2.policy']);
});

test('one worker whose audit log failed makes the cluster not ready, and says which', () => {
  const report = mergeReadiness([{ index: 1, value: ready }, { index: 2, value: auditDown }], 2);
  assert.equal(report.ready, false);
  assert.deepEqual(report.notReady, ['w2.audit']);
  assert.match(report.checks['w2.audit']?.reason ?? '', /EIO/);
});

test('a worker that did not answer (dead, restarting, stuck) makes the cluster not ready', () => {
  const report = mergeReadiness([{ index: 1, value: ready }], 2);
  assert.equal(report.ready, false);
  assert.deepEqual(report.notReady, ['workers']);
  assert.equal(report.checks['workers']?.reason, '1 of 2 workers answered');
});
