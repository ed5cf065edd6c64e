import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { coreUse, coresOf, cpuTicks, pinnedTicks } from '../../bench/lib/core-time.js';

const proc = mkdtempSync(join(tmpdir(), 'core-time-'));
after(() => rmSync(proc, { recursive: true, force: true }));

/** A /proc/<pid> with its affinity and its utime and stime (fields 14 and 15 of stat). */
function fakeProcess(pid: number, allowed: string, utime: number, stime: number, comm = 'node'): void {
  mkdirSync(join(proc, String(pid)), { recursive: true });
  writeFileSync(join(proc, String(pid), 'status'), `Name:\t${comm}\nCpus_allowed:\t1\nCpus_allowed_list:\t${allowed}\n`);
  writeFileSync(join(proc, String(pid), 'stat'), `${pid} (${comm}) S 1 1 1 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 11 0 5000 1000 100\n`);
}

test('a taskset list names its cores', () => {
  assert.deepEqual(coresOf('0'), [0]);
  assert.deepEqual(coresOf('0-1'), [0, 1]);
  assert.deepEqual(coresOf('0,2-3'), [0, 2, 3]);
  assert.throws(() => coresOf('a'), /not a cpu list/);
});

test('a stat line gives utime + stime, whatever its name holds', () => {
  assert.equal(cpuTicks('42 (a) b (c)) R 1 1 1 0 -1 0 0 0 0 0 7 5 0 0 20 0 1 0 1 1 1'), 12);
});

test('the time of every process pinned to the cores, and of no other', () => {
  fakeProcess(100, '0', 300, 200); // the proxy
  fakeProcess(101, '0', 5, 1, 'kworker/0:1H'); // that core's kernel thread
  fakeProcess(102, '1', 900, 900); // the load side
  fakeProcess(103, '0-1', 900, 900); // free to run anywhere
  mkdirSync(join(proc, 'self'), { recursive: true }); // not a pid
  assert.equal(pinnedTicks([0], proc), 506);
  assert.equal(pinnedTicks([0, 1], proc), 506 + 1800 + 1800);
});

test('core use is the busy share of the run and busy time per request', () => {
  // 300 ticks at USER_HZ (100 on Linux) are 3 s of CPU: in a 4 s run on one core, 75% busy;
  // over 1,500 requests, 2,000 µs each.
  const use = coreUse(300, 4000, 1, 1500);
  assert.equal(use.busy, 0.75);
  assert.equal(Math.round(use.usPerRequest), 2000);
  assert.equal(coreUse(300, 4000, 2, 1500).busy, 0.375, 'two cores, the same time');
  assert.ok(Number.isNaN(coreUse(300, 4000, 1, 0).usPerRequest), 'no requests, no figure');
});
