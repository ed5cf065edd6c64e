// A fixed-rate (open-loop) HTTP client: request i is due at start + i/rate whether or not
// earlier ones have answered, and its latency counts from when it was due, so a stall shows
// in the tail instead of slowing the load (no coordinated omission). node:http with a
// keep-alive agent; bounded by its duration plus a drain limit.

import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FixedRateOptions {
  readonly url: string;
  readonly rate: number;
  readonly seconds: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Most sockets open at once; requests beyond wait (and that wait is latency). */
  readonly maxSockets?: number;
}

export interface FixedRateResult {
  readonly rate: number;
  readonly sent: number;
  readonly completed: number;
  /** Non-200 answers and socket errors. */
  readonly errors: number;
  /** Still unanswered when the drain limit ran out (the target fell behind the rate). */
  readonly unanswered: number;
  readonly achievedRate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function fixedRate(options: FixedRateOptions): Promise<FixedRateResult> {
  const total = Math.round(options.rate * options.seconds);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  const url = new URL(options.url);
  const latencies = new Float64Array(total);
  let sent = 0;
  let completed = 0;
  let badStatus = 0;
  let socketErrors = 0;
  let lastDone = 0;
  const interval = 1000 / options.rate;

  const fire = (due: number): void => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, agent, headers: options.headers ?? {} }, (res) => {
      res.resume();
      res.once('end', () => {
        lastDone = performance.now();
        if (res.statusCode !== 200) badStatus++;
        latencies[completed++] = lastDone - due;
      });
    });
    req.once('error', () => socketErrors++);
    req.end();
  };

  const start = performance.now() + 5;
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - start) / interval) + 1);
    for (; sent < due; sent++) fire(start + sent * interval);
    await sleep(1);
  }
  const deadline = performance.now() + 5000;
  while (completed + socketErrors < sent && performance.now() < deadline) await sleep(10);
  agent.destroy();
  const done = latencies.slice(0, completed).sort();
  return {
    rate: options.rate,
    sent,
    completed,
    errors: badStatus + socketErrors,
    unanswered: sent - completed - socketErrors,
    achievedRate: completed / ((lastDone - start) / 1000),
    p50Ms: percentile(done, 50),
    p99Ms: percentile(done, 99),
    p999Ms: percentile(done, 99.9),
    maxMs: done[done.length - 1] ?? Number.NaN,
  };
}
