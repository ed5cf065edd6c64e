// Asking Gerrit, as the caller, whether they may see a change (src/upstreams/gerrit/change-visibility.ts),
// against the Gerrit stand-in with a project only some users may read.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gerritChangeVisibility } from '../../../src/upstreams/gerrit/change-visibility.js';
import { startDemoGerrit } from '../../fakes/gerrit/demo.js';
import type { FakeGerrit } from '../../fakes/gerrit/index.js';

let gerrit: FakeGerrit;
let visible: ReturnType<typeof gerritChangeVisibility>;

before(async () => {
  gerrit = await startDemoGerrit({ port: 0, readAccess: { demo: ['bob'] } });
  visible = gerritChangeVisibility({ url: gerrit.url, usernameHeader: 'X-Forwarded-User' });
});

after(() => gerrit.close());

const errorOf = async (p: Promise<unknown>): Promise<{ code?: string; message?: string }> => {
  try {
    await p;
    return {};
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
};

test("a reader gets Gerrit's view of the change; the question is asked as them, with no credential", async () => {
  const change = gerrit.changes.get(1)!;
  assert.deepEqual(await visible('bob', { number: 1 }), { number: 1, project: 'demo', branch: 'refs/heads/master', changeId: change.changeId });
  const asked = gerrit.received.at(-1);
  assert.equal(asked?.url, '/a/changes/1');
  assert.equal(asked?.user, 'bob');
  assert.equal(asked?.authorization, undefined);
  assert.deepEqual(await visible('bob', { changeId: change.changeId }), { number: 1, project: 'demo', branch: 'refs/heads/master', changeId: change.changeId });
});

test('someone who cannot read the project, or a change that does not exist: 400 with a reason', async () => {
  const hidden = await errorOf(visible('dave', { number: 1 }));
  assert.equal(hidden.code, 'bad_header');
  assert.match(hidden.message ?? '', /cannot see/);
  assert.equal((await errorOf(visible('bob', { number: 999 }))).code, 'bad_header');
});

test('a number and a Change-Id of two different changes: 400', async () => {
  const got = await errorOf(visible('bob', { number: 1, changeId: `I${'0'.repeat(40)}` }));
  assert.equal(got.code, 'bad_header');
  assert.match(got.message ?? '', /not the same change/);
});

test('Gerrit not answering fails closed with 502', async () => {
  const down = gerritChangeVisibility({ url: 'http://127.0.0.1:9', usernameHeader: 'X-Forwarded-User', timeoutMs: 2000 });
  assert.equal((await errorOf(down('bob', { number: 1 }))).code, 'upstream_unavailable');
});
