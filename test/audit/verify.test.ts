// Each kind of tamper, done to a real log the sink wrote, must be caught at the right line.

import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { lineHash } from '../../src/audit/canonical.js';
import { logFiles } from '../../src/audit/segments.js';
import { AUDIT_PUBLIC_KEY_FILE, publicKeyFromPem } from '../../src/audit/signing-key.js';
import { verifyLog, type VerifyReport } from '../../src/audit/verify.js';
import { cli } from './cli-run.js';
import { decision, lines, openSink, tempDir, writeLines } from './helpers.js';

interface Log {
  readonly dir: string;
  readonly path: string;
  readonly key: KeyObject;
  readonly keyFile: string;
}

/** 10 decisions with a checkpoint after every 4 records: lines 1-4 r, 5 cp, 6-9 r, 10 cp, 11-12 r, 13 cp. */
async function writeLog(t: { after(fn: () => void): void }, rotateBytes = 0): Promise<Log> {
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  const sink = await openSink({ path, stateDir: dir, checkpointEvery: 4, rotateBytes, warn: () => undefined });
  for (let i = 1; i <= 10; i++) await sink.append(decision(`r${i}`, { action: i % 2 === 0 ? 'gerrit.change.review' : 'gerrit.read' }));
  await sink.close();
  const keyFile = join(dir, AUDIT_PUBLIC_KEY_FILE);
  return { dir, path, keyFile, key: publicKeyFromPem(readFileSync(keyFile, 'utf8'), keyFile) };
}

const verify = (log: Log, files: readonly string[] = [log.path]): VerifyReport => verifyLog(files, log.key);

function edit(path: string, index: number, change: (r: Record<string, unknown>) => void, rehash = false): void {
  const all = lines(path);
  const r = JSON.parse(all[index]!) as Record<string, unknown>;
  change(r);
  if (rehash) r['hash'] = lineHash(r);
  all[index] = JSON.stringify(r);
  writeLines(path, all);
}

/** What an attacker without the key can do: rewrite a line and rehash every line after it. */
function rechainFrom(path: string, index: number): void {
  const all = lines(path).map((l) => JSON.parse(l) as Record<string, unknown>);
  for (let i = index; i < all.length; i++) {
    if (i > 0) all[i]!['prev'] = all[i - 1]!['hash'];
    all[i]!['hash'] = lineHash(all[i]!);
  }
  writeLines(path, all.map((r) => JSON.stringify(r)));
}

test('an untouched log verifies, signatures included, through the CLI (exit 0)', async (t) => {
  const log = await writeLog(t);
  const report = verify(log);
  assert.equal(report.tamper, undefined);
  assert.equal(report.records, 13);
  assert.equal(report.checkpoints, 3);
  const run = await cli(['audit', 'verify', '--key', log.keyFile, 'audit.jsonl'], log.dir);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^ok: 1 file\(s\), 13 line\(s\), 13 record\(s\), 3 checkpoint\(s\) \(signatures checked/);
});

test('edit: a changed field is caught at its line (CLI exit 1 with file:line)', async (t) => {
  const log = await writeLog(t);
  edit(log.path, 2, (r) => ((r['decision'] as Record<string, unknown>)['allow'] = false));
  const run = await cli(['audit', 'verify', '-k', log.keyFile, log.path], log.dir);
  assert.equal(run.code, 1);
  assert.match(run.stdout, new RegExp(`^TAMPERED ${log.path}:3: edit: `));
});

test('edit: a changed and rehashed line is caught at that line, by the next line\'s link', async (t) => {
  const log = await writeLog(t);
  edit(log.path, 2, (r) => (r['action'] = 'gerrit.change.submit'), true);
  assert.deepEqual(pick(verify(log)), { kind: 'edit', line: 3 });
});

test('deletion: a removed line is caught where the gap is', async (t) => {
  const log = await writeLog(t);
  const all = lines(log.path);
  all.splice(5, 1);
  writeLines(log.path, all);
  assert.deepEqual(pick(verify(log)), { kind: 'deletion', line: 6 });
});

test('reordering: two swapped lines are caught at the first one out of place', async (t) => {
  const log = await writeLog(t);
  const all = lines(log.path);
  [all[1], all[2]] = [all[2]!, all[1]!];
  writeLines(log.path, all);
  assert.deepEqual(pick(verify(log)), { kind: 'reordering', line: 2 });
});

test('truncation: a log cut mid-line, and a log whose first file is gone', async (t) => {
  const log = await writeLog(t);
  const text = readFileSync(log.path, 'utf8');
  writeFileSync(log.path, text.slice(0, text.length - 40));
  assert.deepEqual(pick(verify(log)), { kind: 'truncation', line: 13 });

  const rotated = await writeLog(t, 1500);
  const files = logFiles(rotated.path);
  assert.ok(files.length >= 2);
  rmSync(files[0]!);
  assert.deepEqual(pick(verifyLog(files.slice(1), rotated.key)), { kind: 'truncation', line: 1 });
});

test('truncation: a rotated file missing its last lines is caught at the next file', async (t) => {
  const log = await writeLog(t, 1500);
  const files = logFiles(log.path);
  const first = lines(files[0]!);
  writeLines(files[0]!, first.slice(0, -1));
  const report = verifyLog(files, log.key);
  assert.equal(report.tamper?.kind, 'truncation');
  assert.equal(report.tamper?.file, files[1]);
});

test('forged checkpoint: a re-signed checkpoint, and lines rewritten and rechained without the key', async (t) => {
  const log = await writeLog(t);
  const attacker = generateKeyPairSync('ed25519').privateKey;
  edit(log.path, 4, (r) => (r['signature'] = sign(null, Buffer.from(String(r['hash'])), attacker).toString('base64url')));
  assert.deepEqual(pick(verify(log)), { kind: 'forged-checkpoint', line: 5 });

  const second = await writeLog(t);
  edit(second.path, 6, (r) => (r['requestId'] = 'innocent'));
  rechainFrom(second.path, 6);
  const run = await cli(['audit', 'verify', '--key', second.keyFile, second.path], second.dir);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /:10: forged-checkpoint: /);
});

test('a sealed torn line verifies; changing its bytes afterwards is an edit; unsealed garbage mid-file is an edit', async (t) => {
  const log = await writeLog(t);
  writeFileSync(log.path, `${readFileSync(log.path, 'utf8')}{"seq":14,"pr`);
  const sink = await openSink({ path: log.path, stateDir: log.dir, warn: () => undefined });
  await sink.append(decision('after-crash'));
  await sink.close();
  const sealed = verify(log);
  assert.equal(sealed.tamper, undefined);
  assert.equal(sealed.sealedTorn, 1);
  const text = readFileSync(log.path, 'utf8');
  writeFileSync(log.path, text.replace('{"seq":14,"pr\n', '{"seq":14,"px\n'));
  assert.deepEqual(pick(verify(log)), { kind: 'edit', line: 15 });

  const other = await writeLog(t);
  const all = lines(other.path);
  all.splice(3, 0, 'not a record');
  writeLines(other.path, all);
  assert.deepEqual(pick(verify(other)), { kind: 'edit', line: 4 });
});

test('rotated files given in any order verify; a renamed file changes nothing', async (t) => {
  const log = await writeLog(t, 1500);
  const files = logFiles(log.path);
  const renamed = join(log.dir, 'zzz-first.jsonl');
  renameSync(files[0]!, renamed);
  const shuffled = [files.at(-1)!, renamed, ...files.slice(1, -1)];
  const run = await cli(['audit', 'verify', '--key', log.keyFile, ...shuffled], log.dir);
  assert.equal(run.code, 0, run.stdout);
});

function pick(report: VerifyReport): { kind: string; line: number } | undefined {
  return report.tamper === undefined ? undefined : { kind: report.tamper.kind, line: report.tamper.line };
}
