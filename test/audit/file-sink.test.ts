import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { GENESIS_HASH, lineHash } from '../../src/audit/canonical.js';
import { logFiles } from '../../src/audit/segments.js';
import { AUDIT_KEY_FILE, AUDIT_PUBLIC_KEY_FILE, keyIdOf } from '../../src/audit/signing-key.js';
import { verifyLog } from '../../src/audit/verify.js';
import { cli } from './cli-run.js';
import { completion, decision, lines, openSink, parsed, tempDir } from './helpers.js';

const quiet = (): void => undefined;

test('every line links to the one before; concurrent appends share the chain in write order', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  const sink = await openSink({ path, warn: quiet });
  await Promise.all(Array.from({ length: 50 }, (_, i) => sink.append(decision(`r${i}`))));
  await sink.close();
  const records = parsed(path);
  let prev = GENESIS_HASH;
  for (const [i, r] of records.entries()) {
    assert.equal(r['seq'], i + 1);
    assert.equal(r['prev'], prev);
    assert.equal(r['hash'], lineHash(r));
    prev = r['hash'] as string;
  }
  assert.deepEqual(records.filter((r) => r['kind'] === 'decision').map((r) => r['requestId']), Array.from({ length: 50 }, (_, i) => `r${i}`));
  assert.equal(records.at(-1)?.['kind'], 'checkpoint', 'a clean close signs the head');
});

test('a checkpoint signs the head every N records with the generated key, whose public half is exported', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  const state = join(dir, 'state');
  const sink = await openSink({ path, stateDir: state, checkpointEvery: 3, warn: quiet });
  for (let i = 0; i < 7; i++) await sink.append(decision(`r${i}`));
  const kinds = parsed(path).map((r) => r['kind']);
  assert.deepEqual(kinds.slice(0, 8), ['decision', 'decision', 'decision', 'checkpoint', 'decision', 'decision', 'decision', 'checkpoint']);
  await sink.close();
  assert.equal(statSync(join(state, AUDIT_KEY_FILE)).mode & 0o777, 0o600);
  assert.ok(existsSync(join(state, AUDIT_PUBLIC_KEY_FILE)));
  const { createPublicKey } = await import('node:crypto');
  const { readFileSync } = await import('node:fs');
  const pub = createPublicKey(readFileSync(join(state, AUDIT_PUBLIC_KEY_FILE), 'utf8'));
  const report = verifyLog([path], pub);
  assert.equal(report.tamper, undefined);
  assert.equal(report.checkpoints, 3);
  assert.equal(report.unsignedTail, 0);
});

test('a configured Ed25519 key signs instead of a generated one', async (t) => {
  const dir = tempDir(t);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyFile = join(dir, 'k.pem');
  writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  const path = join(dir, 'audit.jsonl');
  const sink = await openSink({ path, signingKey: keyFile, warn: quiet });
  await sink.append(decision('a'));
  await sink.close();
  assert.equal(parsed(path).at(-1)?.['keyId'], keyIdOf(publicKey));
  assert.equal(verifyLog([path], publicKey).tamper, undefined);
  assert.ok(!existsSync(join(dir, AUDIT_KEY_FILE)), 'no key was generated');
});

test('reopening after a crash seals a torn last line with a torn record and resumes the chain', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  const first = await openSink({ path, checkpointEvery: 1000, warn: quiet });
  await first.append(decision('a'));
  await first.append(decision('b'));
  // A crash mid-write: no close, and half a line on disk.
  appendFileSync(path, '{"seq":3,"prev":"ab","kind":"decis');
  const warnings: string[] = [];
  const second = await openSink({ path, warn: (m) => warnings.push(m) });
  assert.match(warnings.join('\n'), /sealed 34 torn bytes/);
  await second.append(decision('c'));
  await second.close();
  const text = lines(path);
  assert.equal(text[2], '{"seq":3,"prev":"ab","kind":"decis', 'the torn bytes are kept, not dropped');
  const torn = JSON.parse(text[3]!) as Record<string, unknown>;
  assert.equal(torn['kind'], 'torn');
  assert.equal(torn['seq'], 3);
  assert.equal(torn['prev'], (JSON.parse(text[1]!) as Record<string, unknown>)['hash']);
  assert.equal((JSON.parse(text[4]!) as Record<string, unknown>)['requestId'], 'c');
  const report = verifyLog([path]);
  assert.equal(report.tamper, undefined);
  assert.equal(report.sealedTorn, 1);
});

test('a complete last line that only lacks its newline is kept as a record, not sealed', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  const first = await openSink({ path, warn: quiet });
  await first.append(decision('a'));
  await first.append(decision('b'));
  const text = lines(path);
  writeFileSync(path, `${text[0]}\n${text[1]}`);
  const second = await openSink({ path, warn: quiet });
  await second.append(decision('c'));
  await second.close();
  const records = parsed(path);
  assert.deepEqual(records.slice(0, 3).map((r) => r['requestId']), ['a', 'b', 'c']);
  assert.ok(!records.some((r) => r['kind'] === 'torn'));
  assert.equal(verifyLog([path]).tamper, undefined);
});

test('rotation by size continues the chain across sortable files, verifiable in any order', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  const sink = await openSink({ path, rotateBytes: 2000, checkpointEvery: 1000, warn: quiet });
  for (let i = 0; i < 30; i++) await sink.append(decision(`r${i}`));
  await sink.close();
  const files = logFiles(path);
  assert.ok(files.length >= 3, `rotated into ${files.length} files`);
  const names = readdirSync(dir).filter((n) => n.startsWith('audit.') && n !== 'audit.jsonl');
  assert.deepEqual([...names].sort(), names.sort());
  for (const f of files.slice(0, -1)) assert.equal(parsed(f).at(-1)?.['kind'], 'checkpoint', 'each rotated file ends on a signed head');
  const second = parsed(files[1]!)[0]!;
  assert.equal(second['prev'], parsed(files[0]!).at(-1)?.['hash']);
  const report = verifyLog([...files].reverse());
  assert.equal(report.tamper, undefined);
  assert.equal(report.records, parsed(path).at(-1)?.['seq']);
  // Reopening resumes the chain from the active file.
  const again = await openSink({ path, rotateBytes: 2000, warn: quiet });
  await again.append(decision('after'));
  await again.close();
  assert.equal(verifyLog(logFiles(path)).tamper, undefined);
});

test('rotation by UTC day; a fresh active file after rotation resumes from the last rotated file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  let now = new Date('2026-11-21T23:59:58Z');
  const sink = await openSink({ path, now: () => now, warn: quiet });
  await sink.append(decision('day1'));
  now = new Date('2026-11-22T00:00:01Z');
  await sink.append(decision('day2'));
  await sink.close();
  const files = logFiles(path);
  assert.equal(files.length, 2);
  assert.match(files[0]!, /audit\.20261121\.000000000001\.jsonl$/);
  // The proxy died right after a rotation: no active file at all.
  const { renameSync } = await import('node:fs');
  renameSync(path, join(dir, 'audit.20261122.000000000003.jsonl'));
  const reopened = await openSink({ path, now: () => now, warn: quiet });
  await reopened.append(decision('day2-later'));
  await reopened.close();
  assert.equal(verifyLog(logFiles(path)).tamper, undefined);
});

test('reopened after a crash on a later day: the torn tail is sealed in the old day\'s segment, the new day gets its own file, and the folder verifies', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  const day1 = '2026-11-22T23:59:58.000Z';
  const day2 = '2026-11-23T08:00:00.000Z';
  let now = new Date(day1);
  const first = await openSink({ path, stateDir: dir, now: () => now });
  await first.append(decision('a', { time: day1 }));
  await first.append(decision('b', { time: day1 }));
  appendFileSync(path, '{"seq":3,"prev":"ab","kind":"decis');
  // The process died before midnight and comes back the next morning.
  now = new Date(day2);
  const warnings: string[] = [];
  const second = await openSink({ path, stateDir: dir, now: () => now, warn: (m) => warnings.push(m) });
  assert.match(warnings.join('\n'), /sealed 34 torn bytes/);
  await second.append(decision('c', { time: day2 }));
  await second.close();

  const files = logFiles(path);
  assert.equal(files.length, 2, 'the old day was rotated out before the new day\'s first record');
  assert.match(files[0]!, /audit\.20261122\.000000000001\.jsonl$/);
  const old = lines(files[0]!);
  assert.equal(old[2], '{"seq":3,"prev":"ab","kind":"decis', 'the torn bytes stay in the day they were written');
  assert.equal((JSON.parse(old[3]!) as Record<string, unknown>)['kind'], 'torn');
  assert.equal(parsed(path).find((r) => r['kind'] === 'decision')?.['requestId'], 'c');
  assert.ok(!parsed(path).some((r) => r['kind'] === 'torn'), 'nothing of the crash leaks into the new day');

  const run = await cli(['audit', 'verify', '--json', '--key', join(dir, AUDIT_PUBLIC_KEY_FILE), ...files], dir);
  assert.equal(run.code, 0, run.stdout);
  const report = JSON.parse(run.stdout) as Record<string, unknown>;
  assert.equal(report['sealedTorn'], 1);
  assert.equal(report['tamper'], undefined);
});

test('a write failure fails closed: append rejects, ready is false with a reason, failures are counted', async (t) => {
  const dir = tempDir(t);
  let failures = 0;
  const sink = await openSink({ path: '/dev/full', stateDir: dir, warn: quiet, observe: { failure: () => (failures += 1) } });
  t.after(() => sink.close());
  assert.equal(sink.ready, true);
  await assert.rejects(sink.append(decision('a')), /ENOSPC/);
  assert.equal(sink.ready, false);
  assert.match(sink.notReadyReason ?? '', /not writable.*ENOSPC/);
  await assert.rejects(sink.append(decision('b', { request: { method: 'GET', path: '/', ip: '::1', userAgent: '' } })));
  assert.equal(failures, 2);
});

test('failOpenReads lets GET/HEAD decisions pass while the log is down, logged; writes still fail', async (t) => {
  const dir = tempDir(t);
  const warnings: string[] = [];
  const sink = await openSink({ path: '/dev/full', stateDir: dir, failOpenReads: true, warn: (m) => warnings.push(m) });
  t.after(() => sink.close());
  await assert.rejects(sink.append(decision('first')));
  await sink.append(decision('read', { request: { method: 'HEAD', path: '/', ip: '::1', userAgent: '' } }));
  assert.match(warnings.join('\n'), /read read forwarded without a durable record/);
  await assert.rejects(sink.append(decision('write', { request: { method: 'POST', path: '/', ip: '::1', userAgent: '' } })));
  await assert.rejects(sink.append(completion('read')));
  assert.equal(sink.ready, false);
});

test('the stdout mirror gets exactly the lines written to the file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  const mirror = new PassThrough();
  let copied = '';
  mirror.setEncoding('utf8').on('data', (d: string) => (copied += d));
  const sink = await openSink({ path, mirror, warn: quiet });
  await sink.append(decision('a'));
  await sink.append(completion('a'));
  await sink.close();
  assert.equal(copied, lines(path).map((l) => `${l}\n`).join(''));
});

test('group commit: concurrent appends share fsyncs; without it each record gets its own', async (t) => {
  const dir = tempDir(t);
  const grouped = await openSink({ path: join(dir, 'g.jsonl'), warn: quiet });
  await Promise.all(Array.from({ length: 64 }, (_, i) => grouped.append(decision(`g${i}`))));
  assert.equal(grouped.stats.records, 64);
  assert.ok(grouped.stats.batches < 64 / 4, `64 records took ${grouped.stats.batches} fsyncs`);
  await grouped.close();
  const single = await openSink({ path: join(dir, 's.jsonl'), groupCommit: false, warn: quiet });
  await Promise.all(Array.from({ length: 16 }, (_, i) => single.append(decision(`s${i}`))));
  assert.equal(single.stats.batches, 16);
  await single.close();
  assert.equal(verifyLog([join(dir, 'g.jsonl')]).tamper, undefined);
});

test('an idle log gets its checkpoint after checkpointSeconds, without a further append', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  const sink = await openSink({ path, checkpointSeconds: 1, warn: quiet });
  t.after(() => sink.close());
  await sink.append(decision('lonely'));
  for (let i = 0; i < 50 && parsed(path).at(-1)?.['kind'] !== 'checkpoint'; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(parsed(path).at(-1)?.['kind'], 'checkpoint');
  assert.equal(sink.stats.checkpoints, 1);
});

test('a record nobody waits on shares the next urgent write, or goes alone once the linger runs out', async (t) => {
  const path = join(tempDir(t), 'audit.jsonl');
  const sink = await openSink({ path, lingerMs: 60_000 });
  // A linger longer than the test: only the urgent record can write the completion.
  const lingering = sink.append(completion('r1'), 'coalesce');
  assert.equal(sink.stats.batches, 0);
  await sink.append(decision('r2'));
  await lingering;
  assert.equal(sink.stats.batches, 1, 'one write for both');
  assert.deepEqual(parsed(path).map((l) => l['requestId']), ['r1', 'r2'], 'chain order is append order');

  const short = await openSink({ path: join(tempDir(t), 'audit.jsonl'), lingerMs: 5 });
  await short.append(completion('r3'), 'coalesce');
  assert.equal(short.stats.batches, 1, 'written by the linger alone');
  await Promise.all([sink.close(), short.close()]);
});

test('close writes what lingers; a failed log rejects lingering records too', async (t) => {
  const path = join(tempDir(t), 'audit.jsonl');
  const sink = await openSink({ path, lingerMs: 60_000 });
  const lingering = sink.append(completion('r1'), 'coalesce');
  await sink.close();
  await lingering;
  assert.deepEqual(parsed(path).filter((l) => l['kind'] === 'completion').map((l) => l['requestId']), ['r1']);

  const full = await openSink({ path: '/dev/full', lingerMs: 60_000 });
  const failing = full.append(completion('r2'), 'coalesce');
  await assert.rejects(full.append(decision('r3')));
  await assert.rejects(failing);
  await full.close();
});

test('at a steady request rate, completions ride on decisions: about one write per request instead of two', async (t) => {
  const path = join(tempDir(t), 'audit.jsonl');
  const sink = await openSink({ path, lingerMs: 60_000 });
  for (let i = 0; i < 50; i++) {
    await sink.append(decision(`d${i}`));
    void sink.append(completion(`d${i}`), 'coalesce');
  }
  await sink.close();
  assert.ok(sink.stats.batches <= 52, `${sink.stats.batches} writes for 100 records`);
  assert.equal(parsed(path).filter((l) => l['kind'] !== 'checkpoint').length, 100);
});
