// Bundles as `opa build -t wasm` lays them out: a gzipped tar with /policy.wasm and /data.json.
// There is no opa binary here, so the bundle is packed with GNU tar around a module our own
// compiler built; the reader and loader are what is under test.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { compileSources, loadPolicy } from '../../src/policy/load.js';
import { readBundle, readTar } from '../../src/policy/bundle.js';
import { ChangegateError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'changegate-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const POLICY = 'package app\n\nallow if input.user in data.admins\n';

function packBundle(data: unknown): string {
  const root = join(dir, `b${Math.random().toString(16).slice(2)}`);
  mkdirSync(root);
  const wasm = compileSources({ dir: root, modules: [{ file: 'app.rego', text: POLICY }], data: {}, revision: 'x' }, ['app/allow']);
  writeFileSync(join(root, 'policy.wasm'), wasm);
  writeFileSync(join(root, 'data.json'), JSON.stringify(data));
  writeFileSync(join(root, '.manifest'), '{"revision":"r1"}');
  const out = join(dir, `${Math.random().toString(16).slice(2)}.tar.gz`);
  execFileSync('tar', ['-czf', out, '-C', root, '/policy.wasm'.slice(1), 'data.json', '.manifest']);
  return out;
}

test('a bundle loads with its data and decides', async () => {
  const bundle = packBundle({ admins: ['alice'] });
  const { snapshot } = await loadPolicy({ path: dir, bundle, entrypoint: 'app/allow' });
  assert.match(snapshot.revision, /^bundle-/);
  assert.deepEqual(snapshot.evaluate(JSON.stringify({ user: 'alice' })), [{ result: true }]);
  assert.deepEqual(snapshot.evaluate(JSON.stringify({ user: 'mallory' })), []);
});

test('a bundle without policy.wasm, a corrupt tar and a non-gzip file are refused with reasons', () => {
  assert.throws(() => readBundle(gzipSync(Buffer.alloc(1024))), (e: ChangegateError) => /policy\.wasm/.test(e.message));
  assert.throws(() => readBundle(Buffer.from('not gzip')), (e: ChangegateError) => /gzip/.test(e.message));
  const header = Buffer.alloc(512);
  header.write('policy.wasm', 0);
  header.write('77777777777\0', 124);
  assert.throws(() => readTar(header), (e: ChangegateError) => /truncated/.test(e.message));
});

test('a bundle whose entrypoint is missing is refused', async () => {
  const bundle = packBundle({ admins: [] });
  await assert.rejects(loadPolicy({ path: dir, bundle, entrypoint: 'changegate/decision' }), /no entrypoint changegate\/decision/);
});
