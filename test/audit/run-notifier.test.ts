// Closing the loop in Gerrit: a Dagster launch for a change posts one tagged review message,
// after the audit record is durable, retried through Gerrit errors, never blocking the append.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { NotifyingAuditSink } from '../../src/audit/notifying-sink.js';
import { GerritRunNotifier, NOTICE_TAG, type RunNotice } from '../../src/audit/run-notifier.js';
import { completion, decision, openSink, parsed, tempDir } from './helpers.js';

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

const launch = { action: 'dagster.run.launch', change: { number: 1234, project: 'demo/app' }, resource: { upstream: 'dagster' as const, job: 'build', location: 'ci', change: { number: 1234, project: 'demo/app', source: 'header-verified' } } };

test('a launch for a change posts one tagged message with who, job, location, run id and link, after retries', async (t) => {
  const gerrit = await reviewEndpoint(t, 2);
  const results: { ok: boolean; attempts: number }[] = [];
  const notifier = new GerritRunNotifier({
    gerritUrl: gerrit.url, username: 'changegate-bot', token: 'bot-secret', dagsterUiUrl: 'https://cg.example.com/dagster/',
    backoffMs: 10, onResult: (r) => results.push({ ok: r.ok, attempts: r.attempts }),
  });
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  const sink = new NotifyingAuditSink(await openSink({ path, warn: () => undefined }), (n) => notifier.notify(n));
  await sink.append(decision('launch-1', launch));
  await sink.append(completion('launch-1', { learned: { runId: 'run-42' } }));
  await sink.append(decision('read', { change: { number: 1234 } }));
  await sink.append(completion('read', { learned: { runId: 'not-a-launch' } }));
  await notifier.settled();
  await sink.close();
  assert.deepEqual(results, [{ ok: true, attempts: 3 }]);
  assert.equal(gerrit.posted.length, 1);
  const post = gerrit.posted[0]!;
  assert.equal(post.url, '/a/changes/demo%2Fapp~1234/revisions/current/review');
  assert.equal(post.authorization, `Basic ${Buffer.from('changegate-bot:bot-secret').toString('base64')}`);
  assert.equal(post.body.tag, NOTICE_TAG);
  assert.match(post.body.message ?? '', /alice@example\.com launched Dagster job build in location ci/);
  assert.match(post.body.message ?? '', /Run: run-42\nhttps:\/\/cg\.example\.com\/dagster\/runs\/run-42$/);
  assert.ok(!parsed(path).some((r) => JSON.stringify(r).includes('bot-secret')), 'the token never reaches the log');
});

test('a denied or failed launch posts nothing; a Gerrit that keeps failing gives up and reports it', async (t) => {
  const notices: RunNotice[] = [];
  const dir = tempDir(t);
  const sink = new NotifyingAuditSink(await openSink({ path: join(dir, 'a.jsonl'), warn: () => undefined }), (n) => notices.push(n));
  await sink.append(decision('denied', { ...launch, decision: { allow: false, reasons: ['no'], revision: 'r' } }));
  await sink.append(decision('failed', launch));
  await sink.append(completion('failed', { status: 502, learned: { runId: 'x' } }));
  // A change whose source the classifier did not vouch for is never announced.
  for (const source of [undefined, 'header', 'client']) {
    const id = `unsourced-${String(source)}`;
    await sink.append(decision(id, { ...launch, resource: { ...launch.resource, change: { number: 1234, ...(source === undefined ? {} : { source }) } } }));
    await sink.append(completion(id, { learned: { runId: `run-${id}` } }));
  }
  await sink.close();
  assert.deepEqual(notices, []);

  const gerrit = await reviewEndpoint(t, 100);
  const results: { ok: boolean; error?: string }[] = [];
  const notifier = new GerritRunNotifier({ gerritUrl: gerrit.url, username: 'u', token: 't', dagsterUiUrl: 'http://d', attempts: 3, backoffMs: 5, onResult: (r) => results.push({ ok: r.ok, ...(r.error === undefined ? {} : { error: r.error }) }) });
  notifier.notify({ change: 1, subject: 's', job: 'j', location: 'l', runId: 'r' });
  await notifier.settled();
  assert.equal(gerrit.attempts(), 3);
  assert.deepEqual(results, [{ ok: false, error: 'Gerrit answered 503' }]);
});
