import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OutputTail } from '../../../src/deployments/launchers/output-tail.js';

describe('output tail', () => {
  test('keeps everything below the limit, in order', () => {
    const t = new OutputTail(16);
    t.push('abc');
    t.push(Buffer.from('def'));
    assert.equal(t.text(), 'abcdef');
  });

  test('keeps only the last bytes, across chunks and for a chunk larger than the limit', () => {
    const t = new OutputTail(8);
    for (const c of ['0123', '4567', '89ab']) t.push(c);
    assert.equal(t.text(), '456789ab');
    t.push('x'.repeat(100) + 'END');
    assert.equal(t.text(), 'xxxxxEND');
  });

  test('a cut inside a multi-byte character drops its leftover bytes', () => {
    const t = new OutputTail(7);
    t.push('ééééé'); // 10 bytes: the cut lands in the middle of the second character
    assert.equal(t.text(), 'ééé');
    const u = new OutputTail(6);
    u.push('a€€'); // 7 bytes: the last 6 are exactly the two euro signs
    assert.equal(u.text(), '€€');
    const v = new OutputTail(5);
    v.push('a€€'); // the last 5 bytes start inside the first €
    assert.equal(v.text(), '€');
  });

  test('memory stays bounded whatever is pushed', () => {
    const t = new OutputTail(1024);
    for (let i = 0; i < 10_000; i++) t.push(Buffer.alloc(97, 65));
    assert.equal(Buffer.byteLength(t.text()), 1024);
  });
});
