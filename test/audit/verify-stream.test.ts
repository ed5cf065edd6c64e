// The streaming verifier on torn lines it must account for: a sealed torn line verifies, garbage
// outside the sealed bytes is an edit at its own line, and lines longer than any record are read
// past without being held.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha256Hex } from '../../src/audit/canonical.js';
import { Chain } from '../../src/audit/chain.js';
import { MAX_LINE_BYTES } from '../../src/audit/read.js';
import { verifyLog } from '../../src/audit/verify.js';
import { decision, tempDir } from './helpers.js';

/** Two records, then `garbage` lines, a torn record sealing `sealed` (one of them), then a record. */
function logWith(dir: string, garbage: readonly string[], sealed: number): string {
  const chain = new Chain();
  let text = chain.link(decision('a')).line + chain.link(decision('b')).line;
  let offset = 0;
  for (const [i, g] of garbage.entries()) {
    if (i === sealed) offset = Buffer.byteLength(text);
    text += `${g}\n`;
  }
  const torn = Buffer.from(`${garbage[sealed]}\n`);
  text += chain.link({ kind: 'torn', time: '2026-11-22T10:00:00.000Z', offset, bytes: torn.length, sha256: sha256Hex(torn) }).line;
  text += chain.link(decision('c')).line;
  const path = join(dir, 'audit.jsonl');
  writeFileSync(path, text);
  return path;
}

test('a sealed torn line verifies', (t) => {
  const report = verifyLog([logWith(tempDir(t), ['{"seq":3,"pr'], 0)]);
  assert.equal(report.tamper, undefined);
  assert.equal(report.sealedTorn, 1);
  assert.equal(report.lines, 5);
});

test('garbage before or after the sealed bytes is an edit at that line', (t) => {
  const before = verifyLog([logWith(tempDir(t), ['junk', '{"seq":3,"pr'], 1)]);
  assert.deepEqual([before.tamper?.kind, before.tamper?.line], ['edit', 3]);
  const after = verifyLog([logWith(tempDir(t), ['{"seq":3,"pr', 'junk', 'more junk'], 0)]);
  assert.deepEqual([after.tamper?.kind, after.tamper?.line], ['edit', 4]);
});

test('a line longer than any record is not a record, and is not held whole', (t) => {
  const report = verifyLog([logWith(tempDir(t), [`{"seq":3,"x":"${'y'.repeat(MAX_LINE_BYTES)}"}`], 0)]);
  // The torn record seals the long line's bytes, so the chain verifies.
  assert.equal(report.tamper, undefined);
  assert.equal(report.sealedTorn, 1);
});
