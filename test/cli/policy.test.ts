// `changegate policy build|test|eval`, run in-process with captured streams.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { packageRoot } from '../../src/util/package-root.js';

const dir = mkdtempSync(join(tmpdir(), 'changegate-policy-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += String(c)));
  stderr.on('data', (c) => (err += String(c)));
  const code = await runCli(argv, { stdout, stderr, env: {}, cwd: dir });
  return { code, out, err };
}

function policyDir(name: string, files: Record<string, string>): string {
  const d = join(dir, name);
  rmSync(d, { recursive: true, force: true });
  for (const [file, text] of Object.entries(files)) {
    const path = join(d, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return d;
}

test('policy test passes the default policies', async () => {
  const r = await cli('policy', 'test', join(packageRoot(), 'policies'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /PASS: \d+\/\d+/);
});

test('policy test fails, exit 1, when a test is false', async () => {
  const d = policyDir('failing', { 'a.rego': 'package a\n\nx := 1\n', 'a_test.rego': 'package a_test\n\nimport data.a\n\ntest_x_is_two if a.x == 2\n\ntest_x_is_one if a.x == 1\n' });
  const r = await cli('policy', 'test', d);
  assert.equal(r.code, 1);
  assert.match(r.out, /data\.a_test\.test_x_is_two: FAIL/);
  assert.match(r.out, /PASS: 1\/2\nFAIL: 1\/2/);
});

test('policy build reports a parse error with file, line and column', async () => {
  const d = policyDir('broken', { 'p.rego': 'package p\n\nallow if {\n  input.x ==\n}\n' });
  const r = await cli('policy', 'build', d, '-o', join(dir, 'out.wasm'), '-e', 'p/allow');
  assert.equal(r.code, 1);
  assert.match(r.err, /p\.rego:\d+:\d+: rego_parse_error/);
});

test('policy build writes a module the SDK loads, and eval prints the result set', async () => {
  const d = policyDir('ok', { 'p.rego': 'package p\n\ndefault allow := false\n\nallow if input.user == "alice"\n' });
  const out = join(dir, 'ok.wasm');
  const built = await cli('policy', 'build', d, '-o', out, '-e', 'p/allow');
  assert.equal(built.code, 0, built.err);
  assert.equal(readFileSync(out).subarray(0, 4).toString('hex'), '0061736d', 'a Wasm module');
  writeFileSync(join(dir, 'input.json'), '{"user":"alice"}');
  const evaluated = await cli('policy', 'eval', d, '--input', join(dir, 'input.json'), '-e', 'data.p.allow');
  assert.equal(evaluated.code, 0, evaluated.err);
  assert.deepEqual(JSON.parse(evaluated.out), [{ result: true }]);
});
