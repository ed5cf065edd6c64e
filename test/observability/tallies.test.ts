import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AggregatorRegistry, Counter, Histogram, Registry } from 'prom-client';
import { TallyCounter, TallyHistogram } from '../../src/observability/tallies.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS: readonly [string, string, number][] = [
  ['gerrit', 'allow', 0.0005],
  ['gerrit', 'allow', 0.001], // exactly on a bound: counted in that bucket, as Prometheus's `le` says
  ['gerrit', 'deny', 0.05],
  ['dagster', 'allow', 7], // above every bound: only +Inf
  ['gerrit', 'allow', 0.2],
];

function feed(registry: Registry, kind: 'prom-client' | 'tally'): void {
  const registers = [registry];
  const counterOptions = { name: 'x_requests_total', help: 'Requests.', labelNames: ['upstream', 'decision'] as const, registers };
  const histogramOptions = { name: 'x_duration_seconds', help: 'Durations.', labelNames: ['upstream', 'decision'] as const, buckets: BUCKETS, registers };
  const counter = kind === 'tally' ? new TallyCounter(counterOptions) : new Counter(counterOptions);
  const histogram = kind === 'tally' ? new TallyHistogram(histogramOptions) : new Histogram(histogramOptions);
  for (const [upstream, decision, seconds] of OBSERVATIONS) {
    counter.inc({ upstream, decision });
    histogram.observe({ upstream, decision }, seconds);
  }
}

test('the tallies render exactly as prom-client renders the same observations', async () => {
  const ours = new Registry();
  const theirs = new Registry();
  feed(ours, 'tally');
  feed(theirs, 'prom-client');
  assert.equal(await ours.metrics(), await theirs.metrics());
});

test('cluster aggregation sums the tallies of several workers as it sums prom-client metrics', async () => {
  const workers = async (kind: 'prom-client' | 'tally') => {
    const json = [];
    for (let i = 0; i < 2; i++) {
      const r = new Registry();
      feed(r, kind);
      json.push(await r.getMetricsAsJSON());
    }
    return AggregatorRegistry.aggregate(json).metrics();
  };
  assert.equal(await workers('tally'), await workers('prom-client'));
});

test('reset empties every series', async () => {
  const registry = new Registry();
  const counter = new TallyCounter({ name: 'y_total', help: 'Y.', labelNames: ['a'] as const, registers: [registry] });
  counter.inc({ a: 'one' }, 3);
  registry.resetMetrics();
  assert.deepEqual((await counter.get()).values, []);
});
