// The first slice (the features the default policies use) must stay complete: no case of its
// folders may sit in the regression baseline that conformance-all.test.ts runs every case against.
// That test does the running; this one keeps the baseline from quietly absorbing a slice failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SLICE_FOLDERS } from '../../../tools/conformance/known-failures.js';
import { repoRoot } from '../../../src/rego/wasm/index.js';

test('no first-slice conformance case is a known failure', () => {
  const known = JSON.parse(readFileSync(join(repoRoot(), 'test/rego/wasm/known-failures-all.json'), 'utf8')) as string[];
  // Ids look like "<folder>/<file>.yaml#<index> :: <note>" (see conformance-all.test.ts).
  const inSlice = known.filter((id) => SLICE_FOLDERS.some((folder) => id.startsWith(`${folder}/`)));
  assert.deepEqual(inSlice, []);
});
