// The hostile inputs of issue 18, one test each: every one must end in a result or the parser's
// own clear refusal, never a crash, a hang or an exhausted heap. Inputs that could hang or eat the
// heap run in a worker with a small heap and a generous hang guard (not a timing).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { parseDocument } from '../../src/upstreams/dagster/graphql/document.js';
import { isChangegateError } from '../../src/errors.js';
import { reviewFacts } from '../../src/upstreams/gerrit/rest/review-body.js';
import { testSchema } from '../upstreams/dagster/harness.js';

const HANG_GUARD_MS = 60_000;
const SRC = new URL('../../src/', import.meta.url).href;

/**
 * Runs `body` (an async function body; `src` is the compiled src/ URL, `ok(value)` reports) in
 * a worker with a 256 MB heap. Resolves with what it reported; rejects on a hang, a crash or a
 * dead heap.
 */
function isolated(body: string): Promise<unknown> {
  const code = `const { parentPort, workerData } = require('node:worker_threads');
const src = workerData; const ok = (v) => parentPort.postMessage({ v });
(async () => { ${body} })().catch((e) => parentPort.postMessage({ e: (e && e.name) + ': ' + (e && e.message) + ' ' + (e && e.code) }));`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: SRC, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    const timer = setTimeout(() => {
      void w.terminate();
      reject(new Error(`no answer within ${HANG_GUARD_MS} ms (hang guard)`));
    }, HANG_GUARD_MS);
    w.on('message', (m: { v?: unknown; e?: string }) => {
      clearTimeout(timer);
      void w.terminate();
      if (m.e !== undefined) reject(new Error(m.e));
      else resolve(m.v);
    });
    w.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

const MULTIPLY = `query { assetNodes { ...A0 } permissions { permission value } }\n${Array.from({ length: 11 }, (_, i) => `fragment A${i} on AssetNode { dependencies { asset { ${i < 10 ? `...A${i + 1} `.repeat(4) : 'id'} } } }`).join('\n')}`;

test('permission planning: fragments spread four times at eleven levels are planned once each (no 2 GB, no 20 s)', async () => {
  const keys = await isolated(`
    const { parse } = await import('graphql');
    const { selectOperation } = await import(src + 'upstreams/dagster/graphql/document.js');
    const { planPermissions } = await import(src + 'upstreams/dagster/permissions/plan.js');
    const plan = planPermissions(selectOperation(parse(${JSON.stringify(MULTIPLY)}), undefined, {}));
    // One field per response key: the spreads merge as the executor merges them.
    ok(plan.root.map((f) => f.key + ':' + f.children.length));`);
  assert.deepEqual(keys, ['assetNodes:1', 'permissions:2']);
});

test('permission planning: fragment spreads side by side, and a chain of fragments, are refused with 400, not a stack overflow', async () => {
  const chain = `query { permissions { value } ...F0 }\n${Array.from({ length: 5000 }, (_, i) => `fragment F${i} on Query { ${i < 4999 ? `...F${i + 1}` : '__typename'} }`).join('\n')}`;
  const wide = `query { permissions { value } assetNodes { ...W0 } }\n${Array.from({ length: 30 }, (_, i) => `fragment W${i} on AssetNode { a${i}: dependencies { asset { ${i < 29 ? `...W${i + 1} ` : 'id'} } } b${i}: dependencies { asset { ${i < 29 ? `...W${i + 1}` : 'id'} } } }`).join('\n')}`;
  for (const query of [chain, wide]) {
    const outcome = await isolated(`
      const { parse } = await import('graphql');
      const { selectOperation } = await import(src + 'upstreams/dagster/graphql/document.js');
      const { planPermissions } = await import(src + 'upstreams/dagster/permissions/plan.js');
      try { planPermissions(selectOperation(parse(${JSON.stringify(query)}, { maxTokens: 100000 }), undefined, {})); ok('planned'); }
      catch (e) { ok(e.name === 'ChangegateError' ? e.code + ': ' + e.message : 'crash: ' + e.name + ' ' + e.message); }`);
    assert.match(String(outcome), /^bad_request: the GraphQL (query is too large|fragment)/);
  }
});

test('parseDocument: a validation rule that throws (subscription with @include on an undefined variable) is a 400', () => {
  let caught: unknown;
  try {
    parseDocument('subscription { pipelineRunLogs(runId: "r") @include(if: $x) { __typename } }', testSchema());
  } catch (e) {
    caught = e;
  }
  assert.ok(isChangegateError(caught), String(caught));
  assert.equal(caught.code, 'bad_request');
});

test('reviewFacts: a reviewer object with its own toString is a 400, and Object.prototype names are ordinary labels', () => {
  let caught: unknown;
  try {
    reviewFacts({ reviewers: [{ toString: 1 }] });
  } catch (e) {
    caught = e;
  }
  assert.ok(isChangegateError(caught) && caught.code === 'bad_body', String(caught));
  const facts = reviewFacts(JSON.parse('{"labels":{"constructor":1,"toString":-1,"__proto__":2,"code-review":2}}') as Record<string, unknown>);
  assert.deepEqual(Object.entries(facts.labels).sort(), [['Code-Review', 2], ['__proto__', 2], ['constructor', 1], ['toString', -1]]);
});

test('sideband: a length of "-008" does not move backwards (it used to loop forever), and the scan stops', async () => {
  const numbers = await isolated(`
    const { SidebandChangeScanner } = await import(src + 'upstreams/gerrit/git/sideband.js');
    const out = [];
    for (const bytes of ['0008xxxx-008', '0008xxxx-0a1', '0005\\x02+00f', '0008xxxx 008']) {
      const s = new SidebandChangeScanner();
      s.push(Buffer.from(bytes, 'latin1'));
      out.push(s.numbers().length);
    }
    ok(out);`);
  assert.deepEqual(numbers, [0, 0, 0, 0]);
});

test('push heads: 1 MiB sent in 64-byte chunks is read once, not re-parsed per chunk (hang guard)', async () => {
  const status = await isolated(`
    const { Readable } = await import('node:stream');
    const { readPushHead } = await import(src + 'upstreams/gerrit/git/push-stream.js');
    const zero = '0'.repeat(40), a = 'a'.repeat(40);
    const pkt = (s) => (Buffer.byteLength(s) + 4).toString(16).padStart(4, '0') + s;
    let text = '';
    for (let i = 0; text.length < 1024 * 1024; i++) text += pkt(zero + ' ' + a + ' refs/heads/b' + i + (i === 0 ? '\\0report-status' : '') + '\\n');
    const body = Buffer.from(text + '0000PACK');
    const chunks = [];
    for (let i = 0; i < body.length; i += 64) chunks.push(body.subarray(i, i + 64));
    const req = Readable.from(chunks, { objectMode: false });
    req.headers = {};
    try { const r = await readPushHead(req, 2 * 1024 * 1024); r.stream.destroy(); ok(r.head.commands.length > 10000 ? 'parsed' : 'short'); }
    catch (e) { ok(e.code); }`);
  assert.equal(status, 'parsed');
});

test('Gerrit REST: trailing empty segments are cut in one pass (hang guard)', async () => {
  const segments = await isolated(`
    const { restTarget } = await import(src + 'upstreams/gerrit/rest/effective.js');
    ok(restTarget('GET', '/changes/7' + '/'.repeat(300000), '', '/').segments);`);
  assert.deepEqual(segments, ['changes', '7']);
});

test('config: deep nesting is refused with a reason before the recursive composer sees it; 100,000 keys are checked for duplicates linearly', async () => {
  const outcome = await isolated(`
    const { parseConfigText } = await import(src + 'config/load.js');
    const out = [];
    const texts = ['upstreams: { gerrit: { url: ' + '"url: '.repeat(5000), 'a: ' + '['.repeat(20000) + ']'.repeat(20000), Array.from({ length: 100000 }, (_, i) => 'k' + i + ': 1').join('\\n') + '\\nk7: 2'];
    for (const text of texts) {
      try { parseConfigText(text, { env: {}, baseDir: '/tmp', source: 'c.yaml' }); out.push('ok'); }
      catch (e) { out.push(e.name === 'ConfigError' ? String(e.lines[0]) : 'crash: ' + e.name + ' ' + e.message); }
    }
    ok(out);`);
  const [escapes, deep, keys] = outcome as string[];
  assert.doesNotMatch(escapes!, /^crash|call stack/);
  assert.match(deep!, /nests collections more than 64 deep/);
  assert.match(keys!, /line 100001, column 1: duplicate key/);
});

test('yaml.unmarshal (policy host builtin, input may come from a request): size and depth are capped', async () => {
  const outcome = await isolated(`
    const { encodingBuiltins } = await import(src + 'rego/builtins/host/encoding.js');
    const out = [];
    for (const text of ['a: ' + '['.repeat(20000), 'a: ' + 'x'.repeat(100000), 'a: 1\\na: 2', 'a: [1, {b: 2}]']) {
      try { out.push(JSON.stringify(encodingBuiltins['changegate.yaml.unmarshal'](text))); } catch (e) { out.push(e.name + ': ' + e.message); }
    }
    ok(out);`);
  const [deep, big, dup, fine] = outcome as string[];
  assert.match(deep!, /nests collections more than 64 deep/);
  assert.match(big!, /larger than 65536 bytes/);
  assert.match(dup!, /repeats a key/);
  assert.equal(fine, '{"a":[1,{"b":2}]}');
});

test('audit verify: a line nested 3,737 arrays deep is reported as tamper (also with --json), never a stack overflow', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'changegate-i18-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'audit.jsonl');
  writeFileSync(file, `{"seq":1,"prev":"${'0'.repeat(64)}","hash":"x","deep":${'['.repeat(3737)}${']'.repeat(3737)}}\n`);
  const cli = new URL('../../src/cli.js', import.meta.url).pathname;
  const run = spawnSync(process.execPath, [cli, 'audit', 'verify', '--json', file], { encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  const report = JSON.parse(run.stdout) as { ok: boolean; tamper?: { kind: string; line: number } };
  assert.equal(report.ok, false);
  assert.deepEqual([report.tamper?.kind, report.tamper?.line], ['edit', 1]);
});

test('audit verify: 2 MiB of empty lines (2 million lines) is verified in a 64 MB heap (it streams), and reported as tamper', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'changegate-i18-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'audit.jsonl');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(1024 * 1024, 0x0a);
  for (let i = 0; i < 2; i++) writeSync(fd, block);
  closeSync(fd);
  const cli = new URL('../../src/cli.js', import.meta.url).pathname;
  const run = spawnSync(process.execPath, ['--max-old-space-size=64', cli, 'audit', 'verify', '--json', file], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(run.status, 1, run.stderr.slice(0, 500));
  const report = JSON.parse(run.stdout) as { ok: boolean; lines: number; tamper?: { kind: string } };
  assert.equal(report.lines, 2 * 1024 * 1024);
  assert.equal(report.tamper?.kind, 'truncation');
});
