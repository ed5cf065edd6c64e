// The benchmark's knobs, from the environment, and where each process runs. On a machine with
// two or more cores the proxy (and nginx) get core 0 (cores 0..n-1 with n workers) and the load
// side (wrk, the upstream, the bench process with its own clients) core 1.

import { availableParallelism } from 'node:os';

function positive(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export interface Settings {
  /** Seconds per wrk run. */
  readonly seconds: number;
  readonly connections: number;
  /** Fixed-rate run: requests per second and seconds. */
  readonly rate: number;
  readonly rateSeconds: number;
  readonly pushBytes: number;
  readonly wsIdle: number;
  readonly wsActive: number;
  readonly wsSeconds: number;
  /** Subscription starts in the WebSocket churn scenario. */
  readonly wsChurn: number;
  readonly ports: { readonly proxy: number; readonly upstream: number; readonly nginx: number; readonly side: number; readonly relay: number; readonly admin: number; readonly sideAdmin: number };
  /** Scenario groups to run (BENCH_ONLY); all when absent. */
  readonly only: ReadonlySet<string> | undefined;
  readonly writeResults: boolean;
}

export const GROUPS = ['throughput', 'latency', 'push', 'websockets', 'wschurn', 'coldstart', 'audit', 'accesslog', 'policy', 'impact'] as const;

/** Groups that start no server: with only these, the bench starts no upstream, IdP or proxy. */
export const CPU_ONLY_GROUPS: ReadonlySet<string> = new Set(['policy', 'impact']);

export function readSettings(): Settings {
  const base = positive('BENCH_PORT_BASE', 18080);
  const only = process.env['BENCH_ONLY'];
  const groups = only === undefined || only === '' ? undefined : new Set(only.split(',').map((s) => s.trim()));
  const unknown = [...(groups ?? [])].filter((g) => !(GROUPS as readonly string[]).includes(g));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown group(s) ${unknown.join(', ')}; known: ${GROUPS.join(', ')}`);
  return {
    seconds: positive('BENCH_SECONDS', 10),
    connections: positive('BENCH_CONNECTIONS', 50),
    rate: positive('BENCH_RATE', 2000),
    rateSeconds: positive('BENCH_RATE_SECONDS', 10),
    pushBytes: positive('BENCH_PUSH_MIB', 1024) * 1024 * 1024,
    wsIdle: positive('BENCH_WS_IDLE', 1000),
    wsActive: positive('BENCH_WS_ACTIVE', 100),
    wsSeconds: positive('BENCH_WS_SECONDS', 10),
    wsChurn: positive('BENCH_WS_CHURN', 3000),
    ports: { proxy: base, upstream: base + 1, nginx: base + 2, side: base + 3, relay: base + 4, admin: base + 10, sideAdmin: base + 11 },
    only: groups,
    writeResults: process.env['BENCH_NO_RESULTS'] !== '1',
  };
}

export function runs(settings: Settings, group: (typeof GROUPS)[number]): boolean {
  return settings.only === undefined || settings.only.has(group);
}

/** Cores this process may use, read at import: before run.ts pins the bench process to the load core. */
const CORES = availableParallelism();
const TWO_CORES = CORES >= 2;

/** taskset list for the load side. */
export const LOAD_CPU = TWO_CORES ? '1' : '0';

/** taskset list for a proxy (Changegate or nginx) with `workers` processes. */
export function proxyCpus(workers: number): string {
  if (!TWO_CORES || workers <= 1) return '0';
  return `0-${Math.min(workers, CORES) - 1}`;
}
