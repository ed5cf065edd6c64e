// What a cluster worker's admin listener asks the primary, so /metrics and /readyz speak for the
// whole cluster rather than for whichever worker took the probe. A worker asks the primary; the
// primary asks every live worker for its own view, combines the answers and replies.
//
//   worker --ask{what}--> primary --snapshot?{what}--> every worker --snapshot--> primary --answer--> worker

import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type PrometheusContentType, type Registry } from 'prom-client';
import type { ProbeResult, ReadinessReport } from '../observability/readiness.js';

const ASK = 'changegate:ask';
const ANSWER = 'changegate:answer';
const SNAPSHOT_REQUEST = 'changegate:snapshot?';
const SNAPSHOT_REPLY = 'changegate:snapshot';
const GATHER_TIMEOUT_MS = 3000;
const ASK_TIMEOUT_MS = 5000;

type View = 'metrics' | 'readiness';
type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

interface Message {
  readonly type?: unknown;
  readonly id?: unknown;
  readonly what?: unknown;
  readonly index?: unknown;
  readonly value?: unknown;
}

export interface RenderedMetrics {
  readonly contentType: string;
  readonly body: string;
}

export interface ClusterViews {
  metrics(): Promise<RenderedMetrics>;
  readiness(): Promise<ReadinessReport>;
}

/** In a worker: answers the primary's snapshot requests, and asks it for the cluster's views. */
export function workerViews(index: number, registry: Registry, localReadiness: () => ReadinessReport): ClusterViews {
  let next = 0;
  const waiting = new Map<number, (value: unknown) => void>();
  process.on('message', (message: Message) => {
    if (message?.type === SNAPSHOT_REQUEST) {
      const value = message.what === 'metrics' ? registry.getMetricsAsJSON() : Promise.resolve(localReadiness());
      void value.then((v) => process.send?.({ type: SNAPSHOT_REPLY, id: message.id, index, value: v }));
    } else if (message?.type === ANSWER && typeof message.id === 'number') {
      waiting.get(message.id)?.(message.value);
      waiting.delete(message.id);
    }
  });
  const ask = (what: View): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`the cluster primary did not answer for ${what} within ${ASK_TIMEOUT_MS} ms`));
      }, ASK_TIMEOUT_MS);
      waiting.set(id, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
      process.send?.({ type: ASK, id, what });
    });
  return {
    metrics: async () => (await ask('metrics')) as RenderedMetrics,
    readiness: async () => (await ask('readiness')) as ReadinessReport,
  };
}

/** In the primary: answers one worker's questions about the cluster. */
export class ClusterAnswers {
  #next = 0;
  readonly #rounds = new Map<number, { readonly replies: { index: number; value: unknown }[]; readonly expected: number; readonly done: () => void }>();
  readonly #workers: number;

  /** `workers` is how many workers the cluster should have, dead or alive. */
  constructor(workers: number) {
    this.#workers = workers;
  }

  /** Wire to every forked worker's 'message' event. */
  onMessage(worker: Worker, message: Message): void {
    if (message?.type === SNAPSHOT_REPLY) this.#receive(message);
    else if (message?.type === ASK && (message.what === 'metrics' || message.what === 'readiness')) void this.#answer(worker, message.id, message.what);
  }

  async #answer(worker: Worker, id: unknown, what: View): Promise<void> {
    const replies = await this.#gather(what);
    const value = what === 'metrics' ? await aggregateMetrics(replies.map((r) => r.value as MetricsSnapshot)) : mergeReadiness(replies, this.#workers);
    if (worker.isConnected()) worker.send({ type: ANSWER, id, value });
  }

  #gather(what: View): Promise<{ index: number; value: unknown }[]> {
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected());
    const id = ++this.#next;
    const replies: { index: number; value: unknown }[] = [];
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#rounds.delete(id);
        resolve(replies);
      };
      // A worker that does not answer in time is left out (and readiness says so).
      const timer = setTimeout(done, GATHER_TIMEOUT_MS);
      this.#rounds.set(id, { replies, expected: workers.length, done });
      for (const w of workers) w.send({ type: SNAPSHOT_REQUEST, id, what });
      if (workers.length === 0) done();
    });
  }

  #receive(message: Message): void {
    const round = typeof message.id === 'number' ? this.#rounds.get(message.id) : undefined;
    if (round === undefined || typeof message.index !== 'number') return;
    round.replies.push({ index: message.index, value: message.value });
    if (round.replies.length === round.expected) round.done();
  }
}

async function aggregateMetrics(snapshots: MetricsSnapshot[]): Promise<RenderedMetrics> {
  const registry = AggregatorRegistry.aggregate<PrometheusContentType>(snapshots.filter(Array.isArray));
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** Ready when every worker the cluster should have answered and is ready; checks named `wN.check`. */
export function mergeReadiness(replies: readonly { index: number; value: unknown }[], expected: number): ReadinessReport {
  const checks: Record<string, ProbeResult> = {
    workers: replies.length === expected ? { ready: true } : { ready: false, reason: `${replies.length} of ${expected} workers answered` },
  };
  for (const { index, value } of [...replies].sort((a, b) => a.index - b.index)) {
    const report = value as Partial<ReadinessReport> | undefined;
    for (const [name, result] of Object.entries(report?.checks ?? {})) checks[`w${index}.${name}`] = result;
  }
  const notReady = Object.keys(checks).filter((n) => checks[n]?.ready !== true);
  return { ready: notReady.length === 0, checks, notReady };
}
