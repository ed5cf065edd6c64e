// The access log as operators run it (level info): one line per request with the fields a person
// reads, through the real proxy, and never a credential, whether it came in a header, a cookie,
// Basic credentials or the query string.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../src/observability/logger.js';
import { eventually } from '../fakes/poll.js';
import { startHarness } from './harness.js';

test('one access line per request with its fields, and no credential in any line', async (t) => {
  let raw = '';
  const logger = createLogger({ level: 'info', destination: { write: (s: string) => void (raw += s) } });
  const h = await startHarness({ logger });
  t.after(() => h.close());
  const token = await h.token('ci-runner');
  const secrets = [token, 'query-secret-3f9a', 'cookie-secret-77c1', 'basic-secret-a0d2', 'assertion-secret-5e11'];

  const sent = [
    await fetch(`${h.base}/changes/?q=status:open&access_token=${secrets[1]}`, { headers: { authorization: `Bearer ${token}`, 'x-changegate-assertion': secrets[4]! } }),
    await fetch(`${h.base}/changes/`, { headers: { cookie: `changegate_session=${secrets[2]}; GerritAccount=${secrets[2]}` } }),
    await fetch(`${h.base}/a/changes/1/submit`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`bob:${secrets[3]}`).toString('base64')}` } }),
  ];
  for (const res of sent) await res.arrayBuffer();
  // The line is written once the exchange settles, which can be just after the client has its answer.
  const accessLines = (): Record<string, unknown>[] => raw.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['event'] === 'request');
  await eventually('three access lines', () => accessLines().length >= sent.length);

  for (const secret of secrets) assert.ok(!raw.includes(secret), `a credential reached the log:\n${raw}`);
  const access = accessLines();
  assert.deepEqual(access.map((l) => l['requestId']), sent.map((r) => r.headers.get('x-request-id')), 'one line per request, by request id');
  const [read, anonymous, submit] = access;
  assert.deepEqual(
    { level: read?.['level'], service: read?.['service'], method: read?.['method'], path: read?.['path'], status: read?.['status'], upstream: read?.['upstream'], decision: read?.['decision'], subject: typeof read?.['subject'], msg: read?.['msg'] },
    { level: 30, service: 'changegate', method: 'GET', path: '/changes/', status: 200, upstream: 'gerrit', decision: 'allow', subject: 'string', msg: 'request' },
  );
  assert.equal(typeof read?.['time'], 'string');
  assert.equal(typeof read?.['durationMs'], 'number');
  assert.equal(anonymous?.['status'], 401);
  assert.equal(anonymous?.['subject'], undefined, 'an anonymous request names no subject');
  assert.equal(submit?.['status'], 401, 'a wrong PAT is refused');
});
