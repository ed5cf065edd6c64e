// The proxy core end to end: a real IdP, real sockets, recording upstreams, default policies.

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import WebSocket from 'ws';
import { auditRecords } from '../fakes/audit-records.js';
import { eventually } from '../fakes/poll.js';
import { hangUp, rawRequest } from '../fakes/raw-http.js';
import { ADMIN_CLIENT, OPERATOR_CLIENT, startHarness, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const lastReceived = (up: Harness['gerrit']) => up.received[up.received.length - 1]!;

describe('identity reaches the upstream, and only ours', () => {
  test('a CI token reads Gerrit with identity headers set by the proxy', async () => {
    const res = await fetch(`${h.base}/changes/?q=status:open`, { headers: auth(await h.token('ci-runner')) });
    assert.equal(res.status, 200);
    const seen = lastReceived(h.gerrit);
    assert.equal(seen.url, '/a/changes/?q=status:open', 'REST calls are moved under /a/ for Gerrit');
    assert.equal(seen.headers['x-forwarded-user'], 'ci-runner');
    assert.equal(seen.headers['authorization'], undefined, 'the client credential never reaches the upstream');
    assert.equal(seen.headers['x-request-id'], res.headers.get('x-request-id'));
  });

  test('spoofed identity headers in every spelling are stripped', async () => {
    const spoofed = [
      'X-Forwarded-User', 'x-forwarded-user', 'X_Forwarded_User', 'x-forwarded_user', 'X-Forwarded-Email', 'X-Forwarded-Groups',
      'X-Forwarded-Preferred-Username', 'X-Changegate-Assertion', 'X-Changegate-Change-Number', 'X-Gerrit-RunAs', 'Remote-User', 'X-Remote-User',
    ];
    const raw = [`GET /changes/?access_token=stolen&ACCESS_TOKEN=x&q=1 HTTP/1.1`, `Host: 127.0.0.1`, `Authorization: Bearer ${await h.token('ci-runner')}`, ...spoofed.map((n) => `${n}: admin`), 'Cookie: changegate=s3cret; GerritAccount=acct; keep=1; changegate.1=chunk', 'Connection: close'];
    const res = await rawRequest(h.proxy.ingress.port, raw.join('\r\n') + '\r\n\r\n');
    assert.equal(res.status, 200);
    const seen = lastReceived(h.gerrit);
    for (let i = 0; i < seen.rawHeaders.length; i += 2) {
      const name = seen.rawHeaders[i]!.toLowerCase();
      const value = seen.rawHeaders[i + 1]!;
      if (name === 'x-forwarded-user' || name === 'x-forwarded-preferred-username') assert.equal(value, 'ci-runner');
      else assert.notEqual(value, 'admin', `${name} reached the upstream with the client's value`);
    }
    assert.equal(seen.url, '/a/changes/?q=1', 'access_token parameters are removed in every case');
    assert.equal(seen.headers['cookie'], 'keep=1', 'our session cookies and Gerrit\'s session cookie never go upstream');
  });

  test('the assertion header verifies against /.changegate/jwks.json', async () => {
    await fetch(`${h.base}/dagster/graphql`, { headers: auth(await h.token('ci-runner')) });
    const assertion = lastReceived(h.dagster).headers['x-changegate-assertion'];
    assert.equal(typeof assertion, 'string');
    const jwks = createRemoteJWKSet(new URL(`${h.base}/.changegate/jwks.json`));
    const { payload } = await jwtVerify(String(assertion), jwks, { issuer: h.config.publicUrl, audience: 'dagster', algorithms: ['ES256'] });
    assert.equal(payload.sub, 'ci-runner');
    assert.deepEqual(payload['roles'], ['ci']);
  });
});

describe('decisions', () => {
  test('an anonymous API client gets 401 JSON, a browser is sent to sign in', async () => {
    const api = await fetch(`${h.base}/changes/`);
    assert.equal(api.status, 401);
    const body = (await api.json()) as Record<string, unknown>;
    assert.equal(body['error'], 'unauthenticated');
    assert.equal(body['requestId'], api.headers.get('x-request-id'));
    // A page load as a browser sends it (fetch() would add Sec-Fetch-Mode: cors).
    const browser = await rawRequest(h.proxy.ingress.port, 'GET /dagster/runs?x=1 HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nSec-Fetch-Mode: navigate\r\nConnection: close\r\n\r\n');
    assert.equal(browser.status, 302);
    assert.equal(browser.headers.find(([k]) => k.toLowerCase() === 'location')?.[1], `/.changegate/login?rd=${encodeURIComponent('/dagster/runs?x=1')}`);
  });

  test('a write the policy does not allow is 403 with the action and reasons, and is audited', async () => {
    const before = h.gerrit.received.length;
    const res = await fetch(`${h.base}/changes/1/abandon`, { method: 'POST', headers: auth(await h.token('ci-runner')) });
    assert.equal(res.status, 403);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['action'], 'gerrit.change.update');
    assert.deepEqual(body['reasons'], ['no_rule_allows']);
    assert.equal(h.gerrit.received.length, before, 'nothing reached the upstream');
    const records = auditRecords<Record<string, any>>(h.config.audit.path);
    const record = records.find((r) => r['requestId'] === res.headers.get('x-request-id'));
    assert.equal(record?.['decision']?.['allow'], false);
    assert.equal(record?.['subject']?.['id'], 'ci-runner');
  });

  test('every allowed request has a durable decision record before the upstream sees it', async () => {
    const body = JSON.stringify({ query: 'mutation { setNuxSeen }' });
    const res = await fetch(`${h.base}/dagster/graphql`, { method: 'POST', headers: { ...auth(await h.token(OPERATOR_CLIENT.clientId)), 'content-type': 'application/json' }, body });
    assert.equal(res.status, 200);
    const id = res.headers.get('x-request-id');
    const lines = auditRecords<Record<string, any>>(h.config.audit.path);
    const decision = lines.findIndex((r) => r['requestId'] === id && r['kind'] === 'decision');
    assert.ok(decision >= 0);
    assert.equal(lines[decision]!['decision']['allow'], true);
    assert.equal(lines[decision]!['action'], 'dagster.harmless');
  });

  test('a rejected token is 401 with WWW-Authenticate and is never echoed', async () => {
    const expired = await h.idp.sign({ iss: h.idp.issuer, aud: 'changegate', sub: 'x', client_id: 'x', exp: Math.floor(Date.now() / 1000) - 3600 });
    const res = await fetch(`${h.base}/changes/`, { headers: auth(expired) });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /Bearer/);
    const text = await res.text();
    assert.ok(!text.includes(expired.split('.')[2]!), 'the response does not echo the token');
    const wrongAud = await h.idp.sign({ iss: h.idp.issuer, aud: 'someone-else', sub: 'x', exp: Math.floor(Date.now() / 1000) + 60 });
    assert.equal((await fetch(`${h.base}/changes/`, { headers: auth(wrongAud) })).status, 401);
  });
});

describe('normalization happens before routing and policy', () => {
  test('dot segments are resolved, so /dagster/../changes/ is a Gerrit request', async () => {
    const res = await rawRequest(h.proxy.ingress.port, `GET /dagster/%2e%2e/changes/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${await h.token('ci-runner')}\r\nConnection: close\r\n\r\n`);
    assert.equal(res.status, 200);
    assert.equal(lastReceived(h.gerrit).url, '/a/changes/');
  });

  test('an encoded slash stays inside its segment', async () => {
    const res = await fetch(`${h.base}/projects/external%2Fbison/branches/`, { headers: auth(await h.token('ci-runner')) });
    assert.equal(res.status, 200);
    assert.equal(lastReceived(h.gerrit).url, '/a/projects/external%2Fbison/branches/');
  });

  test('an encoded slash is refused on Dagster, whose router would decode it', async () => {
    const res = await fetch(`${h.base}/dagster/graphql%2F..%2Fgraphql`, { headers: auth(await h.token('ci-runner')) });
    assert.equal(res.status, 400);
  });

  for (const [what, line] of [
    ['an encoded backslash', 'GET /changes/%5C..%5Cconfig HTTP/1.1'],
    ['an encoded NUL', 'GET /changes/%00 HTTP/1.1'],
    ['invalid UTF-8', 'GET /changes/%C0%AE HTTP/1.1'],
    ['an absolute-form target', 'GET http://evil.example/changes/ HTTP/1.1'],
  ] as const) {
    test(`${what} is refused with 400 JSON`, async () => {
      const before = h.gerrit.received.length;
      const res = await rawRequest(h.proxy.ingress.port, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.equal(res.status, 400);
      assert.match(res.body, /"error":"bad_/);
      assert.equal(h.gerrit.received.length, before);
    });
  }

  test('a request head over limits.maxHeaderBytes is 431 JSON', async () => {
    const res = await rawRequest(h.proxy.ingress.port, `GET /changes/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`);
    assert.equal(res.status, 431);
    assert.match(res.body, /"error":"headers_too_large"/);
  });

  test('conflicting Content-Length and Transfer-Encoding is refused', async () => {
    const res = await rawRequest(
      h.proxy.ingress.port,
      `POST /changes/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`,
    );
    assert.equal(res.status, 400);
  });
});

describe('streaming', () => {
  test('a 64 MiB upload streams to the upstream intact', async () => {
    const size = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const hash = createHash('sha256');
    for (let i = 0; i < 64; i++) hash.update(chunk);
    const token = await h.token(ADMIN_CLIENT.clientId);
    const status = await new Promise<number>((resolve, reject) => {
      // A large body on a route whose body is not classified (project creation, admin only) streams through.
      const req = http.request(`${h.base}/projects/upload-test`, { method: 'PUT', headers: { ...auth(token), 'content-type': 'application/octet-stream', 'content-length': size } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      let sent = 0;
      const pump = (): void => {
        while (sent < 64) {
          sent += 1;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(status, 200);
    const seen = lastReceived(h.gerrit);
    assert.equal(seen.bytes, size);
    assert.equal(seen.sha256, hash.digest('hex'));
  });

  test('a 64 MiB download streams back intact', async () => {
    const res = await fetch(`${h.base}/dagster/download?bytes=${64 * 1024 * 1024}`, { headers: auth(await h.token('ci-runner')) });
    assert.equal(res.status, 200);
    let total = 0;
    for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) total += c.length;
    assert.equal(total, 64 * 1024 * 1024);
  });
});

describe('WebSockets', () => {
  const open = (headers: Record<string, string>): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${h.proxy.ingress.port}/dagster/graphql`, 'graphql-ws', { headers });
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`status ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', reject);
    });

  test('an authorised upgrade is tunnelled and echoes', async () => {
    const ws = await open(auth(await h.token('ci-runner')));
    const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
    ws.send('{"type":"connection_init"}');
    assert.equal(await reply, '{"type":"connection_init"}');
    ws.close();
    const seen = h.dagster.received.find((r) => r.method === 'WS');
    assert.equal(seen?.headers['x-forwarded-user'], 'ci-runner');
    assert.equal(seen?.headers['authorization'], undefined);
  });

  test('an anonymous upgrade is refused with 401', async () => {
    await assert.rejects(open({}), (e: { status?: number }) => e.status === 401);
  });
});

describe('upstream failures', () => {
  test('a hanging upstream gives 504 JSON within the route timeout', async () => {
    const res = await fetch(`${h.base}/changes/hang`, { headers: auth(await h.token('ci-runner')) });
    assert.equal(res.status, 504);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['error'], 'upstream_timeout');
    assert.equal(body['requestId'], res.headers.get('x-request-id'));
  });
});

describe('a client that hangs up', () => {
  interface Completion { readonly requestId: string; readonly status: number; readonly error?: string }
  /** The completion record of the request whose decision record names `path`, once written. */
  const completionOf = (path: string): Promise<Completion> =>
    eventually(`the completion record of ${path}`, () => {
      const all = auditRecords<{ kind: string; requestId: string; request?: { path: string } } & Completion>(h.config.audit.path);
      const id = all.find((r) => r.kind === 'decision' && r.request?.path === path)?.requestId;
      return all.find((r) => r.kind === 'completion' && r.requestId === id);
    });
  /** Sends a bearer GET and hangs up once `until` holds for what has arrived. */
  const hangUpOn = async (path: string, until: (received: string) => boolean): Promise<void> => {
    const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${await h.token('ci-runner')}\r\n\r\n`;
    await hangUp(h.proxy.ingress.port, request, (received) => eventually(`the moment to hang up on ${path}`, () => until(received())));
  };

  test('before the upstream answered: recorded as client_closed (499), not as the upstream failing, and logged as an allow', async () => {
    const path = `/changes/${randomUUID()}/hang`;
    // The decision record is durable before forwarding: once it is there, the request is upstream or on its way.
    await hangUpOn(path, () => auditRecords<{ request?: { path: string } }>(h.config.audit.path).some((r) => r.request?.path === path));
    const completion = await completionOf(path);
    assert.equal(completion.status, 499);
    assert.equal(completion.error, 'client_closed');
    const metrics = await (await fetch(`${h.adminBase}/metrics`)).text();
    assert.match(metrics, /changegate_requests_total\{upstream="gerrit",action="[^"]+",decision="allow",status="499"\} [1-9]/);
  });

  test('after the upstream answered: the record keeps its status, with client_closed', async () => {
    const path = `/changes/${randomUUID()}/download`;
    await hangUpOn(`${path}?bytes=${64 * 1024 * 1024}`, (received) => received.startsWith('HTTP/1.1 200'));
    const completion = await completionOf(path);
    assert.equal(completion.status, 200);
    assert.equal(completion.error, 'client_closed');
  });
});

describe('admin listener', () => {
  test('metrics, health and readiness live on the admin port only', async () => {
    const ready = await fetch(`${h.adminBase}/readyz`);
    assert.equal(ready.status, 200);
    const metrics = await (await fetch(`${h.adminBase}/metrics`)).text();
    assert.match(metrics, /changegate_requests_total\{[^}]*upstream="gerrit"/);
    const onIngress = await fetch(`${h.base}/readyz`);
    assert.notEqual(onIngress.status, 200, 'the ingress does not serve admin endpoints to anonymous clients');
  });
});
