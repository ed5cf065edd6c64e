import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SidebandChangeScanner } from '../../../src/upstreams/gerrit/git/sideband.js';
import { flush, pkt } from './pkt.js';

function band(n: number, text: string): Buffer {
  return pkt(Buffer.concat([Buffer.from([n]), Buffer.from(text)]));
}

const RESPONSE = Buffer.concat([
  band(2, 'remote: Processing changes: refs: 1, new: 2\r'),
  band(2, 'remote: SUCCESS\nremote: \nremote:   http://h/c/external/bison/+/41 First [NEW]\nremote:   http://h/c/external/bison/+/4'),
  band(2, '2 Second [WIP]\n'),
  band(1, pkt('ok refs/for/master\n').toString('latin1')),
  band(2, 'remote: see http://h/c/p/+/7\n'),
  flush(),
]);

test('change numbers from the sideband, across pkt and chunk boundaries', () => {
  for (const size of [1, 3, 7, 64, RESPONSE.length]) {
    const s = new SidebandChangeScanner();
    for (let i = 0; i < RESPONSE.length; i += size) s.push(RESPONSE.subarray(i, i + size));
    assert.deepEqual(s.numbers(), [41, 42, 7], `chunk size ${size}`);
  }
});

test('only channel 2 counts, and scanning stops at the byte limit', () => {
  const s = new SidebandChangeScanner(10);
  s.push(band(1, 'http://h/c/p/+/1\n'));
  s.push(band(2, 'http://h/c/p/+/2\n'));
  assert.deepEqual(s.numbers(), []);
  const t = new SidebandChangeScanner();
  t.push(band(1, 'http://h/c/p/+/1\n'));
  assert.deepEqual(t.numbers(), []);
});

test('garbage framing stops the scan instead of throwing', () => {
  const s = new SidebandChangeScanner();
  s.push(Buffer.from('zzzz http://h/c/p/+/3\n'));
  assert.deepEqual(s.numbers(), []);
});
