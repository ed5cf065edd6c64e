// `workers: 2`: one primary supervising two proxy processes on shared listeners. Real processes,
// real signals: requests spread over both workers, each worker keeps its own verifiable audit
// chain, /metrics speaks for the whole cluster, a killed worker comes back, SIGTERM drains all.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyLog } from '../../src/audit/verify.js';
import { collect, repoRoot, startCli, type CliResult } from './spawn-cli.js';
import { eventually } from '../fakes/poll.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'changegate-workers-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One request on its own connection, so the cluster's round robin sees each. */
function fresh(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

/** Workers start slowly on a loaded machine: a minute's bound, polled every 200 ms. */
const until = <T>(what: string, probe: () => Promise<T | undefined>): Promise<NonNullable<T>> => eventually(what, probe, { timeoutMs: 60_000, intervalMs: 200 });

function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('changegate serve with workers: 2', () => {
  test('spreads requests over two workers with one audit chain each, aggregates metrics, restarts a dead worker, drains on SIGTERM', async () => {
    const file = join(dir, 'cluster.yaml');
    const ingressPort = 19_000 + Math.floor(Math.random() * 500);
    const adminPort = ingressPort + 500;
    await writeFile(
      file,
      [
        `listen: 127.0.0.1:${ingressPort}`,
        `admin: { listen: 127.0.0.1:${adminPort} }`,
        'workers: 2',
        `stateDir: ${JSON.stringify(join(dir, 'state'))}`,
        'upstreams: { gerrit: { url: "http://127.0.0.1:9" } }',
        `policy: { path: ${JSON.stringify(join(repoRoot(), 'policies') + '/')}, watch: false }`,
        `audit: { path: ${JSON.stringify(join(dir, 'audit.jsonl'))} }`,
        'log: { level: info }',
      ].join('\n'),
    );
    const primary = startCli(['serve', '--config', file]);
    let stdout = '';
    primary.stdout?.on('data', (d: Buffer) => (stdout += String(d)));
    const done: Promise<CliResult> = collect(primary, 180_000);
    try {
      // The round robin only includes workers that listen; the primary says when both do.
      await until('both workers listening', async () => (stdout.includes('"event":"cluster_started"') ? true : undefined));
      await until('the ingress', async () => ((await fresh(ingressPort, '/changes/')).status === 401 ? true : undefined));

      // Anonymous reads: each is decided (401), audited, and counted, by whichever worker took it.
      const N = 20;
      for (let i = 0; i < N; i++) assert.equal((await fresh(ingressPort, `/changes/${i}`)).status, 401);

      const files = (await readdir(dir)).filter((f) => /^audit\.w\d\.jsonl$/.test(f)).sort();
      assert.deepEqual(files, ['audit.w1.jsonl', 'audit.w2.jsonl'], 'one audit chain per worker');
      let decisions = 0;
      for (const f of files) {
        const report = verifyLog([join(dir, f)], undefined);
        assert.equal(report.tamper, undefined, `${f} verifies on its own`);
        assert.ok(report.records > 0, `${f} holds records: the round robin reached worker ${f}`);
      }
      for (const f of files) decisions += (await readLines(join(dir, f))).filter((l) => l.includes('"kind":"decision"')).length;
      assert.ok(decisions >= N, `every request left a decision record (${decisions} for ${N} requests)`);

      const metrics = await fresh(adminPort, '/metrics');
      const counted = metrics.body
        .split('\n')
        .filter((l) => l.startsWith('changegate_requests_total{') && l.includes('status="401"'))
        .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
      assert.ok(counted >= N, `/metrics sums both workers: ${counted} >= ${N}`);

      const ready = await fresh(adminPort, '/readyz');
      assert.equal(ready.status, 200, ready.body);
      const checks = (JSON.parse(ready.body) as { checks: Record<string, { ready: boolean }> }).checks;
      for (const name of ['workers', 'w1.audit', 'w1.policy', 'w2.audit', 'w2.policy']) assert.equal(checks[name]?.ready, true, `/readyz covers ${name}: ${ready.body}`);

      const [victim] = childPids(primary.pid!);
      process.kill(victim!, 'SIGKILL');
      const replaced = await until('a replacement worker', async () => {
        const now = childPids(primary.pid!);
        return now.length === 2 && !now.includes(victim!) ? now : undefined;
      });
      assert.equal(replaced.length, 2);
      await until('the replacement serving', async () => {
        for (let i = 0; i < 4; i++) if ((await fresh(ingressPort, '/changes/')).status !== 401) return undefined;
        return true;
      });

      primary.kill('SIGTERM');
      const r = await done;
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(childPids(primary.pid!), [], 'no worker outlives the primary');
      assert.match(r.stdout, /"event":"cluster_started"/);
      assert.match(r.stdout, /"event":"worker_exit"/);
    } finally {
      primary.kill('SIGKILL');
    }
  });
});

async function readLines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean);
}
