// The suite's reporter (scripts/tap-with-failures.reporter.mjs) run on a scratch suite: its
// failures are listed once, before the closing counts, by file, name and error; the parent that
// failed only through its subtest is not; the counts CI reads are TAP's, unchanged.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

const REPORTER = fileURLToPath(new URL('../../../scripts/tap-with-failures.reporter.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'changegate-reporter-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(): string {
  const r = spawnSync(process.execPath, ['--test', `--test-reporter=${REPORTER}`, dir], { encoding: 'utf8', env: { PATH: process.env['PATH'] } });
  assert.equal(r.status, 1, r.stderr);
  return r.stdout;
}

test('failed tests are listed before the counts; passing ones and failed parents are not', () => {
  writeFileSync(join(dir, 'bad.test.mjs'), [
    "import { describe, test } from 'node:test';",
    "describe('outer', () => { test('inner breaks', () => { throw new Error('the inner reason'); }); test('inner holds', () => {}); });",
    "test('top breaks', () => { throw new Error('the top reason'); });",
  ].join('\n'));
  writeFileSync(join(dir, 'good.test.mjs'), "import { test } from 'node:test';\ntest('fine', () => {});\n");
  const out = run();
  const block = out.slice(out.indexOf('# 2 failed:'), out.lastIndexOf('# tests '));
  assert.ok(out.includes('# 2 failed:'), out);
  assert.match(block, new RegExp(`# ✖ ${join(dir, 'bad.test.mjs').replaceAll('.', '\\.')}\\n#   inner breaks\\n#     Error: the inner reason`));
  assert.match(block, /#   top breaks\n#     Error: the top reason/);
  assert.doesNotMatch(block, /outer|inner holds|fine/);
  assert.match(out.slice(out.lastIndexOf('# tests ')), /^# tests 4\n# suites 1\n# pass 2\n# fail 2\n/);
});
