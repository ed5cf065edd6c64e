// The registry on disk: what a restart reads back, what a crash mid-write leaves, and what it
// says about a file it cannot use.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry, type DeploymentRecord } from '../../src/deployments/registry.js';
import { snapshot } from './controller-harness.js';

function record(change: number, over: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    name: `gerrit-change-${change}`,
    change: snapshot(change, 2),
    pathPrefix: `/dagster/changes/${change}`,
    createdAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-01T00:00:01.000Z',
    state: { status: 'ready', serving: { patchset: 2, sha: 'a'.repeat(40), url: 'http://127.0.0.1:4000', handle: { pid: 123, port: 4000 }, readyAt: '2026-03-01T00:00:01.000Z' } },
    ...over,
  };
}

async function stateDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'changegate-registry-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a reopened registry has every record as it was put, in change order', async (t) => {
  const dir = await stateDir(t);
  const first = await Registry.open(dir);
  await Promise.all([first.put(record(12)), first.put(record(3)), first.put(record(7, { state: { status: 'closed', at: '2026-03-02T00:00:00.000Z', reason: 'MERGED' } }))]);
  await first.delete(12);
  await first.delete(99);
  const again = await Registry.open(dir);
  assert.deepEqual(again.list(), first.list());
  assert.deepEqual(again.list().map((r) => r.change.number), [3, 7]);
  assert.deepEqual(again.get(3), record(3));
  const files = await readdir(join(dir, 'deployments'));
  assert.deepEqual(files, ['registry.json'], 'no temporary file left behind');
});

test('a registry that never wrote opens empty', async (t) => {
  const dir = await stateDir(t);
  assert.deepEqual((await Registry.open(dir)).list(), []);
});

test('a leftover temporary file from a crash mid-write neither breaks open nor the next write', async (t) => {
  const dir = await stateDir(t);
  const registry = await Registry.open(dir);
  await registry.put(record(1));
  // A crash between open(tmp) and rename: half a file, under the name this process would use.
  await writeFile(join(dir, 'deployments', `registry.json.${process.pid}.tmp`), '{"version":1,"records":[{"name":');
  await writeFile(join(dir, 'deployments', 'registry.json.999999.tmp'), 'garbage');
  const reopened = await Registry.open(dir);
  assert.deepEqual(reopened.list().map((r) => r.change.number), [1]);
  await reopened.put(record(2));
  assert.deepEqual((await Registry.open(dir)).list().map((r) => r.change.number), [1, 2]);
});

test('a corrupt file, another version or malformed records are a clear error naming the file', async (t) => {
  const dir = await stateDir(t);
  await mkdir(join(dir, 'deployments'));
  const path = join(dir, 'deployments', 'registry.json');
  const cases: [string, string][] = [
    ['{"version":1,"records":[', 'truncated JSON'],
    ['', 'empty file'],
    ['{"version":2,"records":[]}', 'a newer version'],
    ['{"records":[]}', 'no version'],
    ['[]', 'not an object'],
    ['null', 'null'],
    ['{"version":1,"records":[null]}', 'a null record'],
    ['{"version":1,"records":[{"name":"x"}]}', 'a record without its change'],
    ['{"version":1,"records":[{"name":"x","change":{"number":"7"},"state":{"status":"ready"}}]}', 'a change number that is not a number'],
  ];
  for (const [text, what] of cases) {
    await writeFile(path, text);
    await assert.rejects(Registry.open(dir), (e: Error) => {
      assert.ok(e.message.includes(path), `${what}: ${e.message}`);
      assert.match(e.message, /deployments registry/, what);
      return true;
    });
  }
  assert.equal(await readFile(path, 'utf8'), cases.at(-1)![0], 'a file it cannot read is left for a person to look at');
});
