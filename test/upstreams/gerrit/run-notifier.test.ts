// Closing the loop in Gerrit: a Dagster launch for a change (the `announce-run-on-change`
// effect) posts one tagged review message, retried through Gerrit errors, never blocking the
// request. That effects run only after a durable 2xx is the pipeline's part (test/pipeline).

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { ANONYMOUS, type Identity } from '../../../src/identity/types.js';
import type { ForwardOutcome } from '../../../src/pipeline/types.js';
import { announceRun, type RunLaunch } from '../../../src/upstreams/dagster/run-notice.js';
import { GerritRunNotifier, NOTICE_TAG } from '../../../src/upstreams/gerrit/run-notifier.js';
import { ALICE, classification, fakeExchange, fakeUpstream } from '../../pipeline/fakes.js';
import { eventually } from '../../fakes/poll.js';

interface Posted {
  readonly url: string;
  readonly authorization: string;
  readonly body: { message?: string; tag?: string };
}

/**
 * A stand-in for Gerrit's review endpoint: the first `failures` posts are answered 503, the rest
 * 200. `posted` has the ones answered 200, as they arrive. With `held`, every answer waits until
 * `release()` (from then on they go at once).
 */
async function reviewEndpoint(t: { after(fn: () => Promise<void>): void }, options: { failures?: number; held?: boolean } = {}): Promise<{ url: string; posted: Posted[]; attempts: () => number; release: () => void }> {
  const posted: Posted[] = [];
  const held: (() => void)[] = [];
  let open = options.held !== true;
  let attempts = 0;
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (d: string) => (text += d));
    req.on('end', () => {
      attempts += 1;
      const ok = attempts > (options.failures ?? 0);
      if (ok) posted.push({ url: req.url ?? '', authorization: req.headers.authorization ?? '', body: JSON.parse(text) as Posted['body'] });
      const answer = (): void => void (ok ? res.writeHead(200, { 'content-type': 'application/json' }).end(')]}\'\n{}') : res.writeHead(503).end());
      if (open) answer();
      else held.push(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const release = (): void => {
    open = true;
    for (const answer of held.splice(0)) answer();
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posted, attempts: () => attempts, release };
}

const launch = classification('dagster.run.launch', { upstream: 'dagster', job: 'build', location: 'ci', change: { number: 1234, project: 'demo/app', source: 'header-verified' } }, { change: { number: 1234, project: 'demo/app' } });

/** Runs the effect as the pipeline does after a 2xx whose response tap learned `learned`. */
function forwarded(notify: (l: RunLaunch) => void, c = launch, learned: Record<string, unknown> | null = { runId: 'run-42' }, identity: Identity = ALICE): void {
  const outcome: ForwardOutcome = { status: 200, bytesOut: 1, durationMs: 1, ...(learned === null ? {} : { learned }) };
  announceRun(notify).run({ exchange: fakeExchange(fakeUpstream()), identity, classification: c, outcome });
}

test('a launch for a change posts one tagged message with who, job, location, run id and link, after retries', async (t) => {
  const gerrit = await reviewEndpoint(t, { failures: 2 });
  const results: { ok: boolean; attempts: number }[] = [];
  const notifier = new GerritRunNotifier({
    gerritUrl: gerrit.url, username: 'changegate-bot', token: 'bot-secret', dagsterUiUrl: 'https://cg.example.com/dagster/',
    backoffMs: 10, onResult: (r) => results.push({ ok: r.ok, attempts: r.attempts }),
  });
  const notify = (n: RunLaunch): void => notifier.notify(n);
  forwarded(notify);
  forwarded(notify, classification('dagster.read', { upstream: 'dagster' }, { change: { number: 1234 } }), { runId: 'not-a-launch' });
  await notifier.settled();
  assert.deepEqual(results, [{ ok: true, attempts: 3 }]);
  assert.equal(gerrit.posted.length, 1);
  const post = gerrit.posted[0]!;
  assert.equal(post.url, '/a/changes/demo%2Fapp~1234/revisions/current/review');
  assert.equal(post.authorization, `Basic ${Buffer.from('changegate-bot:bot-secret').toString('base64')}`);
  assert.equal(post.body.tag, NOTICE_TAG);
  assert.match(post.body.message ?? '', /alice@example\.com launched Dagster job build in location ci/);
  assert.match(post.body.message ?? '', /Run: run-42\nhttps:\/\/cg\.example\.com\/dagster\/runs\/run-42$/);
});

test('a launch without a run id, a change or a signed-in launcher posts nothing; a Gerrit that keeps failing gives up and reports it', async (t) => {
  const notices: RunLaunch[] = [];
  const notify = (n: RunLaunch): void => void notices.push(n);
  forwarded(notify, launch, null);
  forwarded(notify, launch, { runId: '' });
  forwarded(notify, classification('dagster.run.launch', { upstream: 'dagster', job: 'build', location: 'ci' }));
  forwarded(notify, launch, { runId: 'r' }, ANONYMOUS);
  // A change whose source the classifier did not vouch for is never announced.
  for (const source of [undefined, 'header', 'client']) {
    const change = { number: 1234, ...(source === undefined ? {} : { source }) };
    forwarded(notify, classification('dagster.run.launch', { upstream: 'dagster', job: 'build', location: 'ci', change }, { change: { number: 1234 } }), { runId: `run-${String(source)}` });
  }
  assert.deepEqual(notices, []);
  forwarded(notify, classification('dagster.run.reexecute', { upstream: 'dagster', jobs: ['j1'], locations: ['l1'], change: { number: 7, source: 'deployment' } }, { change: { number: 7 } }), { runId: 'r7' });
  assert.deepEqual(notices, [{ change: 7, subject: 'alice@example.com', job: 'j1', location: 'l1', runId: 'r7' }]);

  const gerrit = await reviewEndpoint(t, { failures: 100 });
  const results: { ok: boolean; error?: string }[] = [];
  const notifier = new GerritRunNotifier({ gerritUrl: gerrit.url, username: 'u', token: 't', dagsterUiUrl: 'http://d', attempts: 3, backoffMs: 5, onResult: (r) => results.push({ ok: r.ok, ...(r.error === undefined ? {} : { error: r.error }) }) });
  notifier.notify({ change: 1, subject: 's', job: 'j', location: 'l', runId: 'r' });
  await notifier.settled();
  assert.equal(gerrit.attempts(), 3);
  assert.deepEqual(results, [{ ok: false, error: 'Gerrit answered 503' }]);
});

/** Posts arrive within milliseconds; the bound is a hang guard. */
const POLL = { timeoutMs: 5000, intervalMs: 1 };

const run = (change: number, runId: string, project?: string): RunLaunch => ({ change, ...(project === undefined ? {} : { project }), subject: 'ci-bot', job: 'build', location: 'ci', runId });

test('runs launched while their change has a post under way go out together in the next one, at most maxRunsPerMessage each; other changes are not held up', async (t) => {
  const gerrit = await reviewEndpoint(t, { held: true });
  const results: { ok: boolean; change: number; runIds: string[] }[] = [];
  const notifier = new GerritRunNotifier({
    gerritUrl: gerrit.url, username: 'u', token: 't', dagsterUiUrl: 'https://cg.example.com/dagster', maxRunsPerMessage: 2,
    onResult: (r) => results.push({ ok: r.ok, change: r.change, runIds: r.notices.map((n) => n.runId) }),
  });
  notifier.notify(run(1, 'a1', 'demo/app'));
  await eventually('the first post arrives', () => gerrit.attempts() === 1, POLL);
  for (const id of ['a2', 'a3', 'a4']) notifier.notify(run(1, id, 'demo/app'));
  notifier.notify(run(2, 'b1'));
  // Change 2 has nothing under way: it is posted at once, while change 1's post is still held.
  await eventually("change 2's post arrives", () => gerrit.attempts() === 2, POLL);
  assert.equal(gerrit.posted[1]!.url, '/a/changes/2/revisions/current/review');
  gerrit.release();
  await notifier.settled();

  assert.deepEqual(gerrit.posted.map((p) => p.url), [
    '/a/changes/demo%2Fapp~1/revisions/current/review',
    '/a/changes/2/revisions/current/review',
    '/a/changes/demo%2Fapp~1/revisions/current/review',
    '/a/changes/demo%2Fapp~1/revisions/current/review',
  ]);
  assert.deepEqual(results.filter((r) => r.change === 1), [
    { ok: true, change: 1, runIds: ['a1'] },
    { ok: true, change: 1, runIds: ['a2', 'a3'] },
    { ok: true, change: 1, runIds: ['a4'] },
  ]);
  assert.match(gerrit.posted[0]!.body.message ?? '', /^ci-bot launched Dagster job build in location ci for this change\.\n\nRun: a1\n/);
  assert.equal(
    gerrit.posted[2]!.body.message,
    '2 Dagster runs launched for this change:\n\n' +
      '- ci-bot launched job build in location ci: a2\n  https://cg.example.com/dagster/runs/a2\n' +
      '- ci-bot launched job build in location ci: a3\n  https://cg.example.com/dagster/runs/a3',
  );
  assert.ok(gerrit.posted.every((p) => p.body.tag === NOTICE_TAG));
});

test('notices past maxWaiting are reported failed at once, not held; closing cuts the backoff short and gives up what waits behind a failing Gerrit', async (t) => {
  const gerrit = await reviewEndpoint(t, { failures: Infinity, held: true });
  const results: { ok: boolean; runIds: string[]; attempts: number; error?: string }[] = [];
  const notifier = new GerritRunNotifier({
    gerritUrl: gerrit.url, username: 'u', token: 't', dagsterUiUrl: 'http://d', maxWaiting: 2, attempts: 5, backoffMs: 600_000,
    onResult: (r) => results.push({ ok: r.ok, runIds: r.notices.map((n) => n.runId), attempts: r.attempts, ...(r.error === undefined ? {} : { error: r.error }) }),
  });
  notifier.notify(run(1, 'r1'));
  await eventually('the first post arrives', () => gerrit.attempts() === 1, POLL);
  notifier.notify(run(1, 'r2'));
  notifier.notify(run(1, 'r3'));
  notifier.notify(run(1, 'r4'));
  assert.deepEqual(results, [{ ok: false, runIds: ['r4'], attempts: 0, error: 'too many run notices waiting for Gerrit' }]);
  gerrit.release();
  // From here every post is answered 503 at once. r1's retry would wait ten minutes (the test
  // would time out), but closing cuts the backoff short: r1 ends after its first attempt, or its
  // second when the close came during the backoff. r2 and r3 are not tried behind it.
  await notifier.close();
  const r1 = results[1]!;
  assert.deepEqual({ ...r1, attempts: 0 }, { ok: false, runIds: ['r1'], attempts: 0, error: 'Gerrit answered 503' });
  assert.ok(r1.attempts === 1 || r1.attempts === 2, `r1 had ${r1.attempts} attempts`);
  assert.deepEqual(results.slice(2), [{ ok: false, runIds: ['r2', 'r3'], attempts: 0, error: 'not posted: Changegate stopped while Gerrit was failing' }]);
  assert.equal(gerrit.attempts(), r1.attempts);
  notifier.notify(run(1, 'r5'));
  await notifier.settled();
  assert.equal(gerrit.attempts(), r1.attempts, 'a closed notifier takes no more notices');
});

test('closing with a Gerrit that answers posts what is waiting before it resolves', async (t) => {
  const gerrit = await reviewEndpoint(t, { held: true });
  const posted: string[][] = [];
  const notifier = new GerritRunNotifier({ gerritUrl: gerrit.url, username: 'u', token: 't', dagsterUiUrl: 'http://d', onResult: (r) => void (r.ok && posted.push(r.notices.map((n) => n.runId))) });
  notifier.notify(run(1, 'r1'));
  await eventually('the first post arrives', () => gerrit.attempts() === 1, POLL);
  notifier.notify(run(1, 'r2'));
  notifier.notify(run(2, 'r3'));
  const closed = notifier.close();
  gerrit.release();
  await closed;
  assert.deepEqual(posted.sort(), [['r1'], ['r2'], ['r3']]);
});
