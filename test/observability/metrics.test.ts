import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMetrics } from '../../src/observability/metrics.js';
import { BoundedLabel } from '../../src/observability/labels.js';

const NAMES = [
  'changegate_requests_total',
  'changegate_request_duration_seconds',
  'changegate_upstream_errors_total',
  'changegate_policy_eval_seconds',
  'changegate_policy_cache_hits_total',
  'changegate_policy_cache_misses_total',
  'changegate_audit_write_seconds',
  'changegate_audit_failures_total',
  'changegate_ready',
  'process_cpu_user_seconds_total',
  'nodejs_heap_size_used_bytes',
];

describe('metrics', () => {
  test('exposition includes every named metric with bounded labels', async () => {
    const m = createMetrics();
    m.observeRequest({ upstream: 'gerrit', action: 'gerrit.change.submit', decision: 'allow', status: 200, durationSeconds: 0.02 });
    m.observeRequest({ upstream: 'dagster', action: 'dagster.launch_run', decision: 'deny', status: 403, durationSeconds: 0.001 });
    m.upstreamError('gerrit', 'connect');
    m.observePolicyEval(0.0002);
    m.policyCache(true);
    m.policyCache(false);
    m.observeAuditWrite(0.003);
    m.auditFailure();
    m.setReady(true);
    const { contentType, body } = await m.render();
    assert.match(contentType, /^text\/plain/);
    for (const name of NAMES) assert.match(body, new RegExp(`^# TYPE ${name} `, 'm'), name);
    assert.match(body, /^changegate_requests_total\{upstream="gerrit",action="gerrit.change.submit",decision="allow",status="200"\} 1$/m);
    assert.match(body, /^changegate_request_duration_seconds_count\{upstream="dagster",decision="deny"\} 1$/m);
    assert.match(body, /^changegate_upstream_errors_total\{upstream="gerrit",kind="connect"\} 1$/m);
    assert.match(body, /^changegate_ready 1$/m);
  });

  test('paths, users and unknown upstreams never become label values', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.observeRequest({ upstream: '/a/changes/123', action: '/a/changes/123/submit', decision: 'allow', status: 200, durationSeconds: 0.01 });
    m.observeRequest({ upstream: undefined, action: undefined, decision: 'none', status: 999, durationSeconds: 0.01 });
    const { body } = await m.render();
    assert.ok(!body.includes('/a/changes'), body);
    assert.match(body, /changegate_requests_total\{upstream="other",action="other",decision="allow",status="200"\} 1/);
    assert.match(body, /changegate_requests_total\{upstream="none",action="none",decision="none",status="other"\} 1/);
  });

  test('a label admits a bounded number of distinct values', () => {
    const label = new BoundedLabel(3);
    assert.deepEqual(['a', 'b', 'c', 'd', 'a'].map((v) => label.value(v)), ['a', 'b', 'c', 'other', 'a']);
  });

  test('registries are private: two instances do not share counters', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.auditFailure();
    assert.match((await a.render()).body, /^changegate_audit_failures_total 1$/m);
    assert.match((await b.render()).body, /^changegate_audit_failures_total 0$/m);
  });
});
