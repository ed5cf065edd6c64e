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

interface Posted {
  readonly url: string;
  readonly authorization: string;
  readonly body: { message?: string; tag?: string };
}

/** A stand-in for Gerrit's review endpoint that fails the first `failures` posts with 503. */
async function reviewEndpoint(t: { after(fn: () => Promise<void>): void }, failures: number): Promise<{ url: string; posted: Posted[]; attempts: () => number }> {
  const posted: Posted[] = [];
  let attempts = 0;
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (d: string) => (text += d));
    req.on('end', () => {
      attempts += 1;
      if (attempts <= failures) return res.writeHead(503).end();
      posted.push({ url: req.url ?? '', authorization: req.headers.authorization ?? '', body: JSON.parse(text) as Posted['body'] });
      res.writeHead(200, { 'content-type': 'application/json' }).end(')]}\'\n{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posted, attempts: () => attempts };
}

const launch = classification('dagster.run.launch', { upstream: 'dagster', job: 'build', location: 'ci', change: { number: 1234, project: 'demo/app', source: 'header-verified' } }, { change: { number: 1234, project: 'demo/app' } });

/** Runs the effect as the pipeline does after a 2xx whose response tap learned `learned`. */
function forwarded(notify: (l: RunLaunch) => void, c = launch, learned: Record<string, unknown> | null = { runId: 'run-42' }, identity: Identity = ALICE): void {
  const outcome: ForwardOutcome = { status: 200, bytesOut: 1, durationMs: 1, ...(learned === null ? {} : { learned }) };
  announceRun(notify).run({ exchange: fakeExchange(fakeUpstream()), identity, classification: c, outcome });
}

test('a launch for a change posts one tagged message with who, job, location, run id and link, after retries', async (t) => {
  const gerrit = await reviewEndpoint(t, 2);
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

  const gerrit = await reviewEndpoint(t, 100);
  const results: { ok: boolean; error?: string }[] = [];
  const notifier = new GerritRunNotifier({ gerritUrl: gerrit.url, username: 'u', token: 't', dagsterUiUrl: 'http://d', attempts: 3, backoffMs: 5, onResult: (r) => results.push({ ok: r.ok, ...(r.error === undefined ? {} : { error: r.error }) }) });
  notifier.notify({ change: 1, subject: 's', job: 'j', location: 'l', runId: 'r' });
  await notifier.settled();
  assert.equal(gerrit.attempts(), 3);
  assert.deepEqual(results, [{ ok: false, error: 'Gerrit answered 503' }]);
});
