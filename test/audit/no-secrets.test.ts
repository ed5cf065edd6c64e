// Records are built from extracted fields only: a request's credentials never reach the log.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BearerIdentity } from '../../src/identity/types.js';
import { completionRecord, decisionRecord } from '../../src/pipeline/records.js';
import type { Exchange, Upstream } from '../../src/pipeline/types.js';
import { readFileSync } from 'node:fs';
import { openSink, tempDir } from './helpers.js';

const SECRETS = ['SECRET-BEARER-TOKEN', 'SECRET-COOKIE-VALUE', 'SECRET-BASIC-PASSWORD', 'SECRET-QUERY-TOKEN'];

test('a record built from a request with Authorization, Cookie and a token in the query holds none of them', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  const sink = await openSink({ path, warn: () => undefined });
  const upstream: Upstream = {
    kind: 'gerrit',
    name: 'gerrit',
    route: { target: new URL('http://127.0.0.1:9'), host: undefined, prefix: '', timeoutMs: 1000 },
    classifier: { classify: () => Promise.reject(new Error('not classified here')) },
    stamping: {},
    effects: [],
  };
  const identity: BearerIdentity = {
    kind: 'authenticated', via: 'bearer', id: 'ci-runner', username: 'ci-runner', groups: [], roles: ['ci'],
    issuer: 'http://127.0.0.1:1', human: false, clientId: 'ci-runner', tokenId: 'jti-123',
  };
  const built: string[] = [];
  const server = http.createServer((req, res) => {
    const exchange: Exchange = {
      req,
      res,
      requestId: 'req-1',
      client: { ip: '127.0.0.1', proto: 'http', host: 'x', userAgent: String(req.headers['user-agent'] ?? ''), peer: '127.0.0.1', peerTrusted: false, forwardedFor: '127.0.0.1' },
      target: { path: '/a/changes/', query: 'x=1' },
      upstream,
    };
    const d = decisionRecord(exchange, identity, { action: 'gerrit.read', resource: { upstream: 'gerrit' }, body: { kind: 'untouched' } }, { allow: true, reasons: [], revision: 'r' });
    const c = completionRecord(exchange, { status: 200, bytesOut: 2, durationMs: 1 });
    built.push(JSON.stringify(d), JSON.stringify(c));
    void Promise.all([sink.append(d), sink.append(c)]).then(() => res.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/a/changes/?access_token=SECRET-QUERY-TOKEN&x=1`, {
    headers: {
      authorization: 'Bearer SECRET-BEARER-TOKEN',
      cookie: 'changegate_session=SECRET-COOKIE-VALUE',
      'proxy-authorization': `Basic ${Buffer.from('git:SECRET-BASIC-PASSWORD').toString('base64')}`,
    },
  });
  assert.equal(await res.text(), 'ok');
  await sink.close();
  const written = readFileSync(path, 'utf8');
  assert.match(written, /"tokenId":"jti-123"/, 'the token id (jti) is recorded for correlation');
  for (const text of [...built, written]) {
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} must not be recorded`);
    assert.ok(!/authorization|cookie/i.test(text), 'no header names or values are copied');
    assert.ok(!text.includes(Buffer.from('git:SECRET-BASIC-PASSWORD').toString('base64')));
  }
});
