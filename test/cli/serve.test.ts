import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collect, repoRoot, startCli, startedPorts } from './spawn-cli.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'changegate-serve-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** Resolves with the admin port from the startup log line, or undefined if the process exits first. */
async function adminPortFromLog(child: ReturnType<typeof startCli>): Promise<number | undefined> {
  return (await startedPorts(child))?.admin;
}

describe('changegate serve (spawned)', () => {
  test('starts on a valid config, serves the admin listener, exits 0 after SIGTERM', async () => {
    const file = join(dir, 'serve.yaml');
    await writeFile(
      file,
      [
        'listen: 127.0.0.1:0',
        'admin: { listen: 127.0.0.1:0 }',
        'upstreams: { gerrit: { url: "http://127.0.0.1:9" } }',
        `policy: { path: ${JSON.stringify(join(repoRoot(), 'policies') + '/')}, watch: false }`,
        'audit: { path: audit.jsonl }',
        'log: { level: info }',
      ].join('\n'),
    );
    const child = startCli(['serve', '--config', file]);
    const done = collect(child);
    const port = await adminPortFromLog(child);
    let health: { status: number; body: string } | undefined;
    if (port !== undefined) {
      health = await httpGet(port, '/healthz');
      child.kill('SIGTERM');
    }
    const r = await done;
    assert.ok(port !== undefined, `serve exited without logging its admin address: ${r.stderr}`);
    assert.equal(health?.status, 200);
    assert.equal((JSON.parse(health?.body ?? '{}') as { status?: string }).status, 'ok');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.signal, null);
  });
});
