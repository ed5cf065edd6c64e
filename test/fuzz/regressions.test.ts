// Every input the fuzzer (or the issue 18 campaign) found, replayed: the parser must either
// accept it or refuse it with its own clear error, and must finish. Each runs in a worker so an
// input that hangs a parser fails this test (by a generous hang guard) instead of hanging it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replay, savedRegressions } from './host.js';

const HANG_GUARD_MS = 60_000;

const saved = savedRegressions();

test('there are saved regression inputs', () => {
  assert.ok(saved.length > 0);
});

for (const { file, regression } of saved) {
  test(`${regression.target}: ${file.split('/').slice(-1)[0]} (${regression.message.slice(0, 80)})`, async () => {
    const error = await replay(regression, HANG_GUARD_MS);
    assert.equal(error, undefined, `${file}: ${error}`);
  });
}
