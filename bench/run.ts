// `npm run bench`: Changegate against a direct connection and against nginx (no auth), all
// measured in the same run on loopback. The proxy and nginx run on core 0 (0-1 with two
// workers); this process (the fixed-rate, push and WebSocket clients), wrk and the upstream
// stand-in on core 1. Every load is bounded by its duration. Prints tables and writes
// bench/results/<date>.json.
//
// Environment (defaults in brackets): BENCH_SECONDS [10] per wrk run, BENCH_CONNECTIONS [50],
// BENCH_RATE [2000] and BENCH_RATE_SECONDS [10] for the fixed-rate run, BENCH_PUSH_MIB [1024],
// BENCH_WS_IDLE [1000], BENCH_WS_ACTIVE [100], BENCH_WS_SECONDS [10], BENCH_WS_CHURN [3000], BENCH_PORT_BASE [18080],
// BENCH_ONLY=throughput,latency,push,websockets,wschurn,coldstart,audit,accesslog,policy,impact (default all; policy and
// impact alone start no server), BENCH_NO_RESULTS=1
// to write no results file (a smoke run), BENCH_CPU_PROF=<dir> for CPU profiles. See README.md.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevIdp } from '../src/identity/dev-idp.js';
import { packageRoot } from '../src/util/package-root.js';
import { createBench, WORKERS_SUPPORTED, type Bench } from './lib/context.js';
import { startNginx } from './lib/nginx.js';
import { spawnPinned, waitFor200 } from './lib/processes.js';
import { printReport, type Report } from './lib/report.js';
import { ThroughputRows } from './lib/rows.js';
import { fromSource, nodeArgs } from './lib/scripts.js';
import { CPU_ONLY_GROUPS, LOAD_CPU, proxyCpus, readSettings, runs, type Settings } from './lib/settings.js';
import { measureImpact } from './impact.js';
import { measurePolicy } from './policy-eval.js';
import { auditOnTmpfs } from './scenarios/audit.js';
import { fixedRateLatency } from './scenarios/latency.js';
import { pushThrough } from './scenarios/push.js';
import { withoutAccessLog } from './scenarios/access-log.js';
import { changegateThroughput, directBaselines, nginxBaselines, relayBaseline } from './scenarios/throughput.js';
import { webSocketsThrough } from './scenarios/websockets.js';
import { webSocketChurn } from './scenarios/ws-churn.js';
import { coldStart } from './scenarios/cold-start.js';
import { targets } from './lib/targets.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

let relay: { stop(): Promise<void> } | undefined;

/** Starts the bare relay on the proxy's core (stopped with the bench). */
async function startRelay(settings: Settings): Promise<string> {
  const child = spawnPinned(proxyCpus(1), process.execPath, [...nodeArgs('bench/relay'), String(settings.ports.relay), String(settings.ports.upstream)]);
  relay = child;
  const url = `http://127.0.0.1:${settings.ports.relay}`;
  await waitFor200(`${url}/`);
  return url;
}

/** Runs Changegate and nginx with each worker count: throughput, and with one worker latency and the push. */
async function againstNginx(bench: Bench, rows: ThroughputRows, report: Mutable<Report>): Promise<void> {
  const { settings } = bench;
  if (runs(settings, 'throughput')) await directBaselines(bench, rows);
  for (const workers of WORKERS_SUPPORTED ? [1, 2] : [1]) {
    const needed = runs(settings, 'throughput') || (workers === 1 && (runs(settings, 'latency') || runs(settings, 'push')));
    if (!needed) continue;
    const nginx = await startNginx(settings.ports.nginx, settings.ports.upstream, workers, proxyCpus(workers));
    try {
      const cg = await bench.startProxy(`main-w${workers}`, { workers, ports: 'main' });
      try {
        if (workers === 1) report.coldStartMs = cg.coldStartMs;
        const relayUrl = workers === 1 && (runs(settings, 'throughput') || runs(settings, 'latency')) ? await startRelay(settings) : undefined;
        if (runs(settings, 'throughput')) {
          await nginxBaselines(bench, rows, nginx.url, workers);
          if (relayUrl !== undefined) await relayBaseline(bench, rows, relayUrl);
          await changegateThroughput(bench, rows, cg.url, workers);
        }
        if (relayUrl !== undefined && runs(settings, 'latency')) report.latency = await fixedRateLatency(bench, { nginx: nginx.url, relay: relayUrl, changegate: cg.url });
      } finally {
        await cg.child.stop();
      }
      // The push starts its own, fresh, proxy (see scenarios/push.ts).
      if (workers === 1 && runs(settings, 'push')) report.push = await pushThrough(bench, nginx.url);
    } finally {
      await nginx.stop();
    }
  }
}

/** The groups that need no server (policy evaluation, change tracking), measured in this process. */
async function measureCpu(settings: Settings, report: Mutable<Report>): Promise<void> {
  if (runs(settings, 'policy')) {
    process.stderr.write('  policy evaluation alone\n');
    report.policy = (await measurePolicy()) as unknown as Record<string, unknown>;
  }
  if (runs(settings, 'impact')) {
    process.stderr.write('  change tracking alone\n');
    report.impact = measureImpact();
  }
}

async function measure(settings: Settings, dir: string): Promise<Report> {
  const began = performance.now();
  if (settings.only !== undefined && [...settings.only].every((g) => CPU_ONLY_GROUPS.has(g))) {
    const report: Mutable<Report> = { seconds: settings.seconds, connections: settings.connections, rows: [], coldStartThroughTsx: fromSource, durationSeconds: 0 };
    await measureCpu(settings, report);
    report.durationSeconds = (performance.now() - began) / 1000;
    return report;
  }
  const stops: (() => Promise<void>)[] = [];
  try {
    const upstream = spawnPinned(LOAD_CPU, process.execPath, [...nodeArgs('bench/upstream'), String(settings.ports.upstream)]);
    stops.push(() => upstream.stop());
    await waitFor200(`http://127.0.0.1:${settings.ports.upstream}/`);
    const idp = await startDevIdp({
      clients: [{ kind: 'machine', clientId: 'bench', clientSecret: 'bench-secret', audience: 'changegate' }],
      clientTokenTtlSeconds: 3600,
    });
    stops.push(() => idp.close());
    const bench = createBench({ settings, dir, upstreamPid: upstream.pid, issuer: idp.issuer, token: await idp.mintClientToken('bench') });
    const rows = new ThroughputRows();
    const report: Mutable<Report> = { seconds: settings.seconds, connections: settings.connections, rows: rows.rows, coldStartThroughTsx: fromSource, durationSeconds: 0 };
    stops.push(async () => relay?.stop());
    await againstNginx(bench, rows, report);
    if (runs(settings, 'websockets')) report.webSockets = await webSocketsThrough(bench);
    if (runs(settings, 'coldstart')) report.coldStart = await coldStart(bench);
    if (runs(settings, 'wschurn')) report.wsChurn = await webSocketChurn(bench);
    if (runs(settings, 'audit')) report.audit = await auditOnTmpfs(bench, rows);
    if (runs(settings, 'accesslog')) await withoutAccessLog(bench, rows);
    await measureCpu(settings, report);
    report.durationSeconds = (performance.now() - began) / 1000;
    return report;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const settings = readSettings();
  // This process is the load side too (fixed-rate, push and WebSocket clients): all its threads
  // go to the load core.
  execFileSync('taskset', ['-a', '-p', '-c', LOAD_CPU, String(process.pid)], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'changegate-bench-'));
  let report: Report;
  try {
    report = await measure(settings, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printReport(report);
  if (!settings.writeResults) return;
  const out = join(packageRoot(), 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  // cpus(), not availableParallelism(): this process is pinned to one core by now.
  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', proxyCpus: proxyCpus(1), loadCpu: LOAD_CPU };
  const result = { date: new Date().toISOString(), node: process.version, machine, fromSource, workersSupported: WORKERS_SUPPORTED, only: settings.only === undefined ? 'all' : [...settings.only], ...report, targets: targets(report) };
  writeFileSync(join(out, `${date}.json`), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`\nwrote bench/results/${date}.json\n`);
}

await main();
process.exit(0);
