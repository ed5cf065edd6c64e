// `npm run bench`: Changegate against a direct connection and against nginx, measured in the
// same run on loopback. The system under test runs on core 0; wrk and the upstream on core 1.
// Every load is bounded by its duration. Prints a table and writes bench/results/<date>.json.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startDevIdp } from '../src/identity/dev-idp.js';
import { packageRoot } from '../src/util/package-root.js';
import { startNginx } from './lib/nginx.js';
import { spawnPinned, waitFor200 } from './lib/processes.js';
import { WRK_SCRIPT, wrk, type LoadResult } from './lib/wrk.js';
import { measurePolicy } from './policy-eval.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const PORTS = { upstream: 18081, nginx: 18082, proxy: 18080, admin: 19901 } as const;

interface Row extends LoadResult {
  readonly scenario: string;
  readonly vsDirect: number;
  readonly vsNginx: number | undefined;
}

async function main(): Promise<void> {
  const root = packageRoot();
  const dir = mkdtempSync(join(tmpdir(), 'changegate-bench-'));
  const script = join(dir, 'summary.lua');
  writeFileSync(script, WRK_SCRIPT);
  const node = process.execPath;
  const upstream = spawnPinned(1, node, [join(root, 'dist/bench/upstream-ok.js'), String(PORTS.upstream)]);
  await waitFor200(`http://127.0.0.1:${PORTS.upstream}/`);
  const idp = await startDevIdp({ clients: [{ kind: 'machine', clientId: 'bench', clientSecret: 'bench-secret', audience: 'changegate' }] });
  const token = await idp.mintClientToken('bench');
  const config = {
    listen: `127.0.0.1:${PORTS.proxy}`,
    admin: { listen: `127.0.0.1:${PORTS.admin}` },
    stateDir: join(dir, 'state'),
    upstreams: { gerrit: { url: `http://127.0.0.1:${PORTS.upstream}`, pathPrefix: '/' } },
    identity: { bearer: [{ issuer: idp.issuer, audience: 'changegate' }], roles: { ci: { clients: ['bench'] } } },
    policy: { path: join(root, 'policies'), watch: false },
    audit: { path: join(dir, 'audit.jsonl') },
    log: { level: 'warn' },
  };
  writeFileSync(join(dir, 'config.yaml'), stringify(config));

  const coldStarted = performance.now();
  const proxy = spawnPinned(0, node, [join(root, 'dist/src/cli.js'), 'serve', '--config', join(dir, 'config.yaml')]);
  await waitFor200(`http://127.0.0.1:${PORTS.admin}/readyz`);
  const coldStartMs = performance.now() - coldStarted;
  const nginx = await startNginx(PORTS.nginx, PORTS.upstream, 1);

  const load = (url: string, headers: Record<string, string> = {}): Promise<LoadResult> =>
    wrk({ url, seconds: SECONDS, connections: CONNECTIONS, headers, cpu: 1 }, script);
  try {
    // Warm-up: JIT, keep-alive pools, JWKS, decision cache.
    await wrk({ url: `http://127.0.0.1:${PORTS.proxy}/changes/`, seconds: 2, connections: CONNECTIONS, headers: { authorization: `Bearer ${token}` }, cpu: 1 }, script);
    const direct = await load(`http://127.0.0.1:${PORTS.upstream}/changes/`);
    const viaNginx = await load(`${nginx.url}/changes/`);
    const bearer = await load(`http://127.0.0.1:${PORTS.proxy}/changes/`, { authorization: `Bearer ${token}` });
    const denied = await load(`http://127.0.0.1:${PORTS.proxy}/changes/1/submit`, { authorization: `Bearer ${token}` });
    const policy = await measurePolicy();
    const rows: Row[] = [
      { scenario: 'direct', ...direct },
      { scenario: 'nginx (no auth)', ...viaNginx },
      { scenario: 'changegate: bearer GET, cached decision, audit on', ...bearer },
      { scenario: 'changegate: bearer GET denied (403), audit on', ...denied },
    ].map((r) => ({ ...r, vsDirect: r.requestsPerSecond / direct.requestsPerSecond, vsNginx: r.scenario === 'direct' ? undefined : r.requestsPerSecond / viaNginx.requestsPerSecond }));
    printTable(rows);
    process.stdout.write(
      `\npolicy: compile ${policy.compileMs.toFixed(0)} ms, uncached ${policy.uncachedMedianUs.toFixed(2)} µs/decision, cached ${policy.cachedMedianUs.toFixed(2)} µs/decision\n` +
        `cold start to ready: ${coldStartMs.toFixed(0)} ms\n`,
    );
    const out = join(root, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    const date = new Date().toISOString().slice(0, 10);
    writeFileSync(
      join(out, `${date}.json`),
      JSON.stringify({ date: new Date().toISOString(), seconds: SECONDS, connections: CONNECTIONS, node: process.version, rows, policy, coldStartMs }, null, 2) + '\n',
    );
    process.stdout.write(`\nwrote bench/results/${date}.json\n`);
  } finally {
    await Promise.all([nginx.stop(), proxy.stop(), upstream.stop(), idp.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(rows: readonly Row[]): void {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'errors', 'x direct', 'x nginx'];
  const lines = rows.map((r) => [
    r.scenario,
    r.requestsPerSecond.toFixed(0),
    r.p50Ms.toFixed(2),
    r.p99Ms.toFixed(2),
    r.p999Ms.toFixed(2),
    String(r.errors),
    r.vsDirect.toFixed(2),
    r.vsNginx === undefined ? '' : r.vsNginx.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`${fmt(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${lines.map(fmt).join('\n')}\n`);
}

await main();
process.exit(0);
