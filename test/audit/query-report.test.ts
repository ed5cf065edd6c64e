import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from './cli-run.js';
import { completion, decision, openSink, tempDir } from './helpers.js';

const bob = { id: 'bob', email: 'bob@example.com', roles: ['operator' as const], via: 'bearer' as const };

async function storyLog(t: { after(fn: () => void): void }): Promise<{ dir: string; path: string }> {
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  const sink = await openSink({ path, warn: () => undefined });
  const change = { number: 1234, project: 'demo', branch: 'main' };
  // A push creates change 1234: the decision cannot know the number, the response does.
  await sink.append(decision('push', { time: '2026-11-22T09:00:00.000Z', action: 'gerrit.push.review', request: { method: 'POST', path: '/demo/git-receive-pack', ip: '10.0.0.1', userAgent: 'git/2' } }));
  await sink.append(completion('push', { learned: { changeNumber: 1234 } }));
  await sink.append(decision('vote', { time: '2026-11-22T09:10:00.000Z', action: 'gerrit.change.review', change }));
  await sink.append(completion('vote'));
  await sink.append(decision('submit-denied', { time: '2026-11-22T09:20:00.000Z', subject: bob, action: 'gerrit.change.submit', change, decision: { allow: false, reasons: ['needs_code_review'], revision: 'r1' } }));
  await sink.append(decision('run', { time: '2026-11-22T09:30:00.000Z', subject: bob, action: 'dagster.run.launch', change, resource: { upstream: 'dagster', job: 'build' } }));
  await sink.append(completion('run', { learned: { runId: 'run-77' } }));
  await sink.append(decision('other-change', { time: '2026-11-22T11:00:00.000Z', action: 'gerrit.change.review', change: { number: 99 } }));
  await sink.close();
  return { dir, path };
}

test('query filters by change, subject, action prefix, decision and time, joined with completions', async (t) => {
  const { dir, path } = await storyLog(t);
  const ids = async (args: string[]): Promise<string[]> => {
    const run = await cli(['audit', 'query', ...args, path], dir);
    assert.equal(run.code, 0, run.stderr);
    return run.stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r['kind'] === 'decision').map((r) => String(r['requestId']));
  };
  assert.deepEqual(await ids(['--change', '1234']), ['push', 'vote', 'submit-denied', 'run']);
  assert.deepEqual(await ids(['--subject', 'bob@example.com']), ['submit-denied', 'run']);
  assert.deepEqual(await ids(['--action', 'gerrit.change.*']), ['vote', 'submit-denied', 'other-change']);
  assert.deepEqual(await ids(['--decision', 'deny']), ['submit-denied']);
  assert.deepEqual(await ids(['--since', '2026-11-22T09:15:00Z', '--until', '2026-11-22T10:00:00Z']), ['submit-denied', 'run']);
  const withCompletion = await cli(['audit', 'query', '--change', '1234', '--action', 'dagster.run.launch', path], dir);
  assert.match(withCompletion.stdout, /"kind":"completion".*"runId":"run-77"/);
  const table = await cli(['audit', 'query', '--format', 'table', '--decision', 'deny', path], dir);
  assert.match(table.stdout, /^TIME\s+SUBJECT\s+ACTION/);
  assert.match(table.stdout, /bob@example\.com\s+gerrit\.change\.submit\s+deny\s+1234/);
  assert.equal((await cli(['audit', 'query', '--decision', 'maybe', path], dir)).code, 2);
});

test('report tells the story of one change: push, vote, denied submit, the Dagster run and its outcome', async (t) => {
  const { dir, path } = await storyLog(t);
  const run = await cli(['audit', 'report', '--change', '1234', path], dir);
  assert.equal(run.code, 0, run.stderr);
  const out = run.stdout.split('\n');
  assert.match(out[0]!, /^change 1234: 4 request\(s\)/);
  assert.match(out[1]!, /push\s+alice@example\.com\s+gerrit\.push\.review\s+allow\s+-> 200 in 3 ms\s+\[changeNumber=1234\]/);
  assert.match(out[2]!, /vote\s+alice@example\.com/);
  assert.match(out[3]!, /submit bob@example\.com\s+gerrit\.change\.submit\s+deny\s+-> denied \(needs_code_review\)/);
  assert.match(out[4]!, /run\s+bob@example\.com\s+dagster\.run\.launch\s+allow\s+-> 200 .*\[runId=run-77\]/);
  assert.match(run.stdout, /summary: push: 1 allowed, 0 denied; vote: 1 allowed, 0 denied; submit: 0 allowed, 1 denied; run: 1 allowed, 0 denied/);
  assert.equal((await cli(['audit', 'report', path], dir)).code, 2, '--change is required');
});
