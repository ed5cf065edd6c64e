// The printed report: the throughput table, then fixed-rate latency, the push, WebSockets, the
// audit note, policy evaluation, change-tracking classification, cold start and how long the bench took.

import type { AuditScenario } from '../scenarios/audit.js';
import { LATENCY_TARGETS, type LatencyResult } from '../scenarios/latency.js';
import type { PushScenario } from '../scenarios/push.js';
import type { WebSocketScenario } from '../scenarios/websockets.js';
import type { WebSocketChurn } from '../scenarios/ws-churn.js';
import type { ColdStart } from '../scenarios/cold-start.js';
import { targets } from './targets.js';
import type { WebSocketResult } from './websockets.js';
import type { Row } from './rows.js';
import type { ImpactFigures } from '../impact.js';
import { fixed, table } from './table.js';

export interface Report {
  readonly seconds: number;
  readonly connections: number;
  readonly rows: readonly Row[];
  readonly latency?: LatencyResult;
  readonly push?: PushScenario;
  readonly webSockets?: WebSocketScenario;
  readonly wsChurn?: WebSocketChurn;
  readonly audit?: AuditScenario;
  readonly policy?: Readonly<Record<string, unknown>>;
  readonly impact?: ImpactFigures;
  readonly coldStartMs?: number;
  readonly coldStart?: ColdStart;
  readonly coldStartThroughTsx: boolean;
  readonly durationSeconds: number;
}

const out = (s: string): void => void process.stdout.write(s);
const mib = (kib: number): string => fixed(kib / 1024, 1);

function throughput(r: Report): void {
  if (r.rows.length === 0) return;
  out(`\nThroughput: wrk, ${r.connections} connections, ${r.seconds} s each; ratios to direct and to nginx (same workers), same request shape, same run\n`);
  out(
    table(
      ['scenario', 'workers', 'req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'errors', 'x direct', 'x nginx', 'core us/req'],
      r.rows.map((row) => [
        `${row.shape}: ${row.scenario}`,
        row.workers === undefined ? '' : String(row.workers),
        row.requestsPerSecond.toFixed(0),
        fixed(row.p50Ms),
        fixed(row.p99Ms),
        fixed(row.p999Ms),
        row.expectsErrors === true ? `(${row.errors} 403)` : String(row.errors),
        fixed(row.vsDirect),
        fixed(row.vsNginx),
        row.proxyCore === undefined ? '' : fixed(row.proxyCore.usPerRequest, 0),
      ]),
    ),
  );
  for (const row of r.rows.filter((x) => x.errors > 0 && x.expectsErrors !== true)) {
    out(`WARNING: ${row.shape}: ${row.scenario} had ${row.errors} errors (non-2xx or socket) in ${row.requests} requests: it did not measure the happy path\n`);
  }
}

function latency(f: LatencyResult): void {
  out(`\nAdded latency at a fixed ${f.rate} req/s for ${f.seconds} s, small GET (open loop, node:http keep-alive, latency from each request's due time); the proxy core's busy share and CPU per request at this rate\n`);
  const runs = LATENCY_TARGETS.map((k) => [k, f[k]] as const);
  out(
    table(
      ['target', 'achieved req/s', 'errors', 'unanswered', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'added p50', 'added p99', 'added p99.9', 'core busy', 'core us/req'],
      runs.map(([k, run]) => {
        const added = (p: 'p50Ms' | 'p99Ms' | 'p999Ms'): string => (k === 'direct' ? '' : fixed(run[p] - f.direct[p], 3));
        const core = run.proxyCore;
        return [
          k,
          fixed(run.achievedRate, 0),
          String(run.errors),
          String(run.unanswered),
          fixed(run.p50Ms, 3),
          fixed(run.p99Ms, 3),
          fixed(run.p999Ms, 3),
          fixed(run.maxMs, 1),
          added('p50Ms'),
          added('p99Ms'),
          added('p999Ms'),
          `${fixed(core.busy * 100, 0)}%`,
          k === 'direct' ? '' : fixed(core.usPerRequest, 0),
        ];
      }),
    ),
  );
  for (const [k, run] of runs) if (run.achievedRate < f.rate * 0.95) out(`WARNING: ${k} kept up with only ${run.achievedRate.toFixed(0)} of ${f.rate} req/s: its latencies include queueing\n`);
}

function auditNote(a: AuditScenario, latency: LatencyResult | undefined): void {
  out(`\nAudit: ${a.note}; see the rows "audit on ${a.tmpfsFs}" above\n`);
  if (a.fixedRate === undefined || latency === undefined) return;
  out(`The fixed-rate small GET (${latency.rate} req/s) through Changegate with the audit log on the disk (the run above) and on ${a.tmpfsFs}:\n`);
  const rows = [
    ['disk', latency.changegate],
    [a.tmpfsFs, a.fixedRate],
  ] as const;
  out(
    table(
      ['audit log', 'p50 ms', 'p99 ms', 'added p50', 'added p99', 'core busy', 'core us/req'],
      rows.map(([where, run]) => [where, fixed(run.p50Ms, 3), fixed(run.p99Ms, 3), fixed(run.p50Ms - latency.direct.p50Ms, 3), fixed(run.p99Ms - latency.direct.p99Ms, 3), `${fixed(run.proxyCore.busy * 100, 0)}%`, fixed(run.proxyCore.usPerRequest, 0)]),
    ),
  );
}

function push(p: PushScenario): void {
  out(`\nPush of ${(p.bytes / 1024 / 1024).toFixed(0)} MiB to git-receive-pack, chunked (refs/for/main: decided on the command list, then streamed)\n`);
  const cg = p.changegate;
  out(
    table(
      ['target', 'status', 'seconds', 'MiB/s', 'x direct', 'RSS before MiB', 'peak RSS MiB', 'growth MiB'],
      (['direct', 'nginx', 'changegate'] as const).map((k) => [
        k,
        String(p[k].status),
        fixed(p[k].seconds),
        fixed(p[k].mibPerSecond, 0),
        fixed(p[k].mibPerSecond / p.direct.mibPerSecond),
        k === 'changegate' ? mib(cg.rssBeforeKiB) : '',
        k === 'changegate' ? mib(cg.peakKiB) : '',
        k === 'changegate' ? `${mib(cg.growthKiB)} (${cg.peakFrom})` : '',
      ]),
    ),
  );
}

function webSockets(w: WebSocketScenario): void {
  const c = w.changegate;
  out(`\nWebSockets (Dagster graphql-ws): ${c.idle} idle + ${c.active} active; the active ones loop start -> data -> complete\n`);
  const row = (name: string, r: WebSocketResult): string[] => [
    name,
    String(r.failedToOpen),
    Object.entries(r.kibPerIdle).map(([k, v]) => `${k} ${fixed(v, 1)}`).join(', '),
    Object.entries(r.rssKiB).map(([k, v]) => `${k} ${mib(v.before)}/${mib(v.idle)}/${mib(v.active)}`).join(', '),
    fixed(r.roundTripsPerSecond, 0),
    fixed(r.roundTripP50Ms),
    fixed(r.roundTripP99Ms),
    String(r.refusedStarts),
  ];
  out(
    table(
      ['path', 'failed', 'KiB RSS per idle socket', 'RSS MiB before/idle/active', 'round trips/s', 'p50 ms', 'p99 ms', 'refused'],
      [row('through changegate', w.changegate), row('direct', w.direct)],
    ),
  );
  for (const [name, r] of [['through changegate', w.changegate], ['direct', w.direct]] as const) {
    if (r.firstRefusal !== undefined) out(`WARNING: ${name}: ${r.refusedStarts} starts refused, the first with ${r.firstRefusal}\n`);
  }
}

function wsChurn(c: WebSocketChurn): void {
  out(`\nWebSocket churn: ${c.starts} subscription starts (${c.completed} completed) on ${c.sockets} sockets opened and closed in waves (${c.failedToOpen} failed to open)\n`);
  const row = (name: string, m: { rssKiB: number; heapUsedKiB?: number; heapTotalKiB?: number; externalKiB?: number }): string[] => [name, mib(m.rssKiB), m.heapUsedKiB === undefined ? '' : mib(m.heapUsedKiB), m.heapTotalKiB === undefined ? '' : mib(m.heapTotalKiB), m.externalKiB === undefined ? '' : mib(m.externalKiB)];
  out(table(['when', 'RSS MiB', 'heap used MiB', 'heap total MiB', 'external MiB'], [row('before (warm, after GC)', c.before), row('right after the churn', { rssKiB: c.peakRssKiB }), row('sockets closed, after GC', c.after)]));
}

function targetTable(r: Report): void {
  out('\nTargets (issue #15), this run\n');
  out(table(['target', 'figure', 'verdict'], targets(r).map((t) => [t.target, t.figure, t.verdict])));
}

export function printReport(r: Report): void {
  throughput(r);
  if (r.latency !== undefined) latency(r.latency);
  if (r.push !== undefined) push(r.push);
  if (r.webSockets !== undefined) webSockets(r.webSockets);
  if (r.audit !== undefined) auditNote(r.audit, r.latency);
  if (r.policy !== undefined) {
    const flat = Object.entries(r.policy).flatMap(([k, v]) => (v !== null && typeof v === 'object' ? Object.entries(v).map(([k2, v2]) => [`${k}.${k2}`, v2] as const) : [[k, v] as const]));
    const fields = flat.map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(2) : JSON.stringify(v)}`);
    out(`\nPolicy evaluation alone: ${fields.join(', ')}\n`);
  }
  if (r.impact !== undefined) {
    const i = r.impact;
    out(`\nChange tracking alone: ${i.assetsPerSide} vs ${i.assetsPerSide} assets classified in ${i.medianMs} ms (median; max ${i.maxMs} ms; CPU ${i.cpuMedianMs} ms), ${i.changed} changed, ${i.downstream} downstream\n`);
  }
  if (r.coldStart !== undefined) out(`Cold start to ready (spawn to /readyz 200${r.coldStartThroughTsx ? ', through tsx' : ''}): first start on a fresh stateDir (policy compiled) ${r.coldStart.firstMs.toFixed(0)} ms, restart (compiled policy from stateDir) ${r.coldStart.restartMs.toFixed(0)} ms\n`);
  if (r.coldStartMs !== undefined) out(`First Changegate of the run to ready (spawn to /readyz 200, default policies compiled${r.coldStartThroughTsx ? ', through tsx' : ''}): ${r.coldStartMs.toFixed(0)} ms\n`);
  if (r.wsChurn !== undefined) wsChurn(r.wsChurn);
  targetTable(r);
  out(`Bench duration: ${r.durationSeconds.toFixed(0)} s\n`);
}
