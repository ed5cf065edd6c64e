// The compiled-policy cache in stateDir: a restart with unchanged files reuses the Wasm, a
// damaged entry is compiled again, and only a policy whose tests pass is kept.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cacheKey } from '../../src/policy/compiled-cache.js';
import { compileSources, loadPolicy } from '../../src/policy/load.js';
import { readPolicySources } from '../../src/policy/sources.js';

const ENTRY = 'changegate/decision';
const ALLOW = 'package changegate\n\ndecision := {"allow": true, "reasons": []}\n\ntest_allows if decision.allow\n';
const DENY = 'package changegate\n\ndecision := {"allow": false, "reasons": ["planted"]}\n';

function fixture(rego: string): { dir: string; cache: string; done(): void } {
  const root = mkdtempSync(join(tmpdir(), 'cg-policy-cache-'));
  const dir = join(root, 'policies');
  mkdirSync(dir);
  writeFileSync(join(dir, 'p.rego'), rego);
  return { dir, cache: join(root, 'state', 'policy-cache'), done: () => rmSync(root, { recursive: true, force: true }) };
}

const decide = (snapshot: { evaluate(json: string): unknown }): unknown => (snapshot.evaluate('{}') as { result: unknown }[])[0]?.result;

test('a load writes the compiled policy into the cache, and the next load with the same files uses it', async () => {
  const f = fixture(ALLOW);
  try {
    const first = await loadPolicy({ path: f.dir, entrypoint: ENTRY, cacheDir: f.cache });
    assert.deepEqual(decide(first.snapshot), { allow: true, reasons: [] });
    const key = cacheKey(readPolicySources(f.dir), ENTRY);
    assert.deepEqual(readdirSync(f.cache).sort(), [`${key}.json`, `${key}.wasm`]);
    // Plant another module under the same key: a load that reads the cache decides with it.
    const planted = compileSources({ dir: f.dir, modules: [{ file: 'p.rego', text: DENY }], data: {}, revision: 'x' }, [ENTRY]);
    writeFileSync(join(f.cache, `${key}.wasm`), planted);
    writeFileSync(join(f.cache, `${key}.json`), JSON.stringify({ tests: [] }));
    const second = await loadPolicy({ path: f.dir, entrypoint: ENTRY, cacheDir: f.cache });
    assert.deepEqual(decide(second.snapshot), { allow: false, reasons: ['planted'] });
    assert.deepEqual(second.tests, []);
  } finally {
    f.done();
  }
});

test('a damaged cache entry is compiled again and rewritten', async () => {
  const f = fixture(ALLOW);
  try {
    await loadPolicy({ path: f.dir, entrypoint: ENTRY, cacheDir: f.cache });
    const key = cacheKey(readPolicySources(f.dir), ENTRY);
    writeFileSync(join(f.cache, `${key}.wasm`), 'not wasm');
    const loaded = await loadPolicy({ path: f.dir, entrypoint: ENTRY, cacheDir: f.cache });
    assert.deepEqual(decide(loaded.snapshot), { allow: true, reasons: [] });
    assert.deepEqual(loaded.tests.map((t) => [t.name, t.passed]), [['changegate/test_allows', true]]);
    const again = await loadPolicy({ path: f.dir, entrypoint: ENTRY, cacheDir: f.cache });
    assert.deepEqual(decide(again.snapshot), { allow: true, reasons: [] });
  } finally {
    f.done();
  }
});

test('a policy whose tests fail is not cached, and other files get another key', async () => {
  const f = fixture('package changegate\n\ndecision := {"allow": true, "reasons": []}\n\ntest_fails if false\n');
  try {
    const loaded = await loadPolicy({ path: f.dir, entrypoint: ENTRY, cacheDir: f.cache });
    assert.equal(loaded.tests[0]?.passed, false);
    assert.throws(() => readdirSync(f.cache), { code: 'ENOENT' });
    const failing = cacheKey(readPolicySources(f.dir), ENTRY);
    writeFileSync(join(f.dir, 'p.rego'), ALLOW);
    assert.notEqual(cacheKey(readPolicySources(f.dir), ENTRY), failing);
  } finally {
    f.done();
  }
});
