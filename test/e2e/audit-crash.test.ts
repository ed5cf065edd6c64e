// The write-ahead promise under a real crash: run `changegate serve` as a child process, put a
// concurrent load through it, kill -9 it mid-flight, restart it on the same audit file. Every
// request the upstream saw must have its decision record, the log must reopen with its torn tail
// sealed, and `changegate audit verify` must pass on the result.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { collect, repoRoot, runCliProcess, startCli, startedPorts, type CliResult } from '../cli/spawn-cli.js';
import { startEchoUpstream, type EchoUpstream } from '../fakes/echo-upstream.js';
import { startTestIdp, TEST_MACHINE_CLIENT, type TestIdp } from '../fakes/idp.js';
import { auditRecords } from '../fakes/audit-records.js';
import { logFiles } from '../../src/audit/segments.js';

const WORKERS = 16;
const PER_WORKER = 200;
const KILL_AFTER = 150;

let dir: string;
let idp: TestIdp;
let upstream: EchoUpstream;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'changegate-crash-'));
  idp = await startTestIdp({ clients: [TEST_MACHINE_CLIENT] });
  upstream = await startEchoUpstream();
});

after(async () => {
  await Promise.all([upstream.close(), idp.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(): string {
  const file = join(dir, 'changegate.yaml');
  writeFileSync(
    file,
    [
      'listen: 127.0.0.1:0',
      'admin: { listen: 127.0.0.1:0 }',
      `stateDir: ${JSON.stringify(join(dir, 'state'))}`,
      `upstreams: { gerrit: { url: ${JSON.stringify(upstream.url)}, pathPrefix: /, timeoutMs: 5000 } }`,
      'identity:',
      `  bearer: [{ issuer: ${JSON.stringify(idp.issuer)}, audience: changegate }]`,
      `  roles: { ci: { clients: [${TEST_MACHINE_CLIENT.clientId}] } }`,
      `policy: { path: ${JSON.stringify(join(repoRoot(), 'policies'))}, watch: false }`,
      `audit: { path: ${JSON.stringify(join(dir, 'audit.jsonl'))}, checkpointEvery: 50 }`,
      'log: { level: info }',
    ].join('\n'),
  );
  return file;
}

/** Resolves with the ingress port from the startup log line, or rejects if the process exits. */
async function ingressPort(child: ChildProcess): Promise<number> {
  const ports = await startedPorts(child);
  if (ports === undefined) throw new Error(`changegate exited (${child.exitCode}) before listening`);
  return ports.ingress;
}

/** WORKERS loops of GETs until `stop()` says so or each has sent PER_WORKER; errors end a loop. */
async function load(port: number, token: string, stop: () => boolean): Promise<number> {
  let sent = 0;
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; i < PER_WORKER && !stop(); i++) {
      sent += 1;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/changes/?w=${w}&i=${i}`, { headers: { authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
      } catch {
        return; // the proxy is gone
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  return sent;
}

function auditLines(): Record<string, unknown>[] {
  return auditRecords(join(dir, 'audit.jsonl'));
}

test('kill -9 mid-load: every forwarded request has its decision record, the log reseals and verifies', { timeout: 180_000 }, async (t) => {
  const config = writeConfig();
  const token = await idp.mintClientToken(TEST_MACHINE_CLIENT.clientId);

  const first = startCli(['serve', '--config', config]);
  const firstDone = collect(first, 120_000);
  const port = await ingressPort(first);
  let killed = false;
  const sent = await load(port, token, () => {
    if (!killed && upstream.received.length >= KILL_AFTER) {
      killed = true;
      first.kill('SIGKILL');
    }
    return killed;
  });
  if (!killed) first.kill('SIGKILL');
  const crashed: CliResult = await firstDone;
  assert.equal(crashed.signal, 'SIGKILL');
  const forwarded = upstream.received.map((r) => String(r.headers['x-request-id']));
  assert.ok(forwarded.length >= KILL_AFTER, `the upstream saw ${forwarded.length} of ${sent} requests`);

  // A crash can cut the last write anywhere; kill -9 cannot split a local write(2), so add the
  // torn line the worst case would leave.
  appendFileSync(join(dir, 'audit.jsonl'), '{"seq":999999,"prev":"cut-by-the-cra');

  const second = startCli(['serve', '--config', config]);
  const secondDone = collect(second, 120_000);
  const port2 = await ingressPort(second);
  const after = await fetch(`http://127.0.0.1:${port2}/changes/?after=restart`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(after.status, 200);
  const afterId = after.headers.get('x-request-id');
  second.kill('SIGTERM');
  const stopped = await secondDone;
  assert.equal(stopped.code, 0, stopped.stderr);

  const records = auditLines();
  t.diagnostic(`sent ${sent}, upstream saw ${forwarded.length}, audit lines ${records.length}`);
  const decided = new Set(records.filter((r) => r['kind'] === 'decision' && (r['decision'] as { allow?: unknown })['allow'] === true).map((r) => r['requestId']));
  const missing = forwarded.filter((id) => !decided.has(id));
  assert.deepEqual(missing, [], 'every request the upstream received has an allow decision record');
  assert.ok(decided.has(afterId), 'the restarted proxy appends to the same chain');
  const torn = records.filter((r) => r['kind'] === 'torn');
  assert.equal(torn.length, 1, 'the torn tail is sealed by one torn record');

  // The key lives in stateDir when server.ts passes it to the sink, else beside the log.
  const inState = join(dir, 'state', 'audit-signing-key.pub.pem');
  const key = existsSync(inState) ? inState : join(dir, 'audit-signing-key.pub.pem');
  const verify = await runCliProcess(['audit', 'verify', '--key', key, ...logFiles(join(dir, 'audit.jsonl'))]);
  assert.equal(verify.code, 0, `${verify.stdout}${verify.stderr}`);
  assert.match(verify.stdout, /^ok: .* 1 sealed torn tail\(s\)/);
});
