import assert from 'node:assert/strict';
import test from 'node:test';
import { coreUse, coresOf, sampleCores } from '../../bench/lib/core-time.js';

// /proc/stat's columns: user nice system idle iowait irq softirq steal guest guest_nice.
const stat = (cpu0: string, cpu1: string): string => `cpu  1 2 3 4 5 6 7 8 0 0\ncpu0 ${cpu0}\ncpu1 ${cpu1}\nintr 12345\n`;

test('a taskset list names its cores', () => {
  assert.deepEqual(coresOf('0'), [0]);
  assert.deepEqual(coresOf('0-1'), [0, 1]);
  assert.deepEqual(coresOf('0,2-3'), [0, 2, 3]);
  assert.throws(() => coresOf('a'), /not a cpu list/);
});

test('busy is user, nice, system, irq and softirq; idle, iowait and steal are not ours', () => {
  const sample = sampleCores([0], stat('10 1 5 100 7 2 3 50 0 0', '999 999 999 999 999 999 999 999 0 0'));
  assert.deepEqual(sample, { busy: 10 + 1 + 5 + 2 + 3, total: 10 + 1 + 5 + 100 + 7 + 2 + 3 });
  // The aggregate `cpu` line and other cores are not counted.
  assert.deepEqual(sampleCores([0, 1], stat('1 0 0 1 0 0 0 0 0 0', '2 0 0 2 0 0 0 0 0 0')), { busy: 3, total: 6 });
});

test('core use is the busy share of the interval and busy time per request', () => {
  const before = { busy: 100, total: 1000 };
  const after = { busy: 400, total: 1400 };
  const use = coreUse(before, after, 1500);
  assert.equal(use.busy, 300 / 400);
  // 300 jiffies at USER_HZ (100 on Linux) are 3 s, over 1,500 requests: 2,000 µs each.
  assert.equal(Math.round(use.usPerRequest), 2000);
  assert.ok(Number.isNaN(coreUse(before, after, 0).usPerRequest), 'no requests, no figure');
});
