import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AdminServer } from '../../src/observability/admin.js';
import { sendJson } from '../../src/http/respond.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { UpstreamProber } from '../../src/observability/prober.js';

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

let admin: AdminServer;
let prober: UpstreamProber;
let port: number;
let upstream: Server;

function call(method: string, path: string, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function json(r: Reply): Record<string, unknown> {
  assert.match(String(r.headers['content-type']), /^application\/json/);
  return JSON.parse(r.body) as Record<string, unknown>;
}

/** A loopback port with nothing listening: bind, note the port, close. */
async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

before(async () => {
  upstream = createServer((_req, res) => res.end('up'));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const upPort = (upstream.address() as AddressInfo).port;
  prober = new UpstreamProber({
    targets: { gerrit: `http://127.0.0.1:${upPort}`, dagster: `http://127.0.0.1:${await closedPort()}/dagster` },
    intervalMs: 60_000,
    timeoutMs: 5_000,
  });
  admin = new AdminServer({ metrics: createMetrics(), prober });
  admin.route('POST', '/hooks/echo', async (req, res, requestId) => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    sendJson(res, 200, { got: text, requestId });
  });
  admin.route('GET', '/boom', () => {
    throw new Error('kaboom with internal detail');
  });
  port = (await admin.listen('127.0.0.1:0')).port;
});

after(async () => {
  await admin.close();
  await new Promise<void>((r) => upstream.close(() => r()));
});

describe('admin listener over real HTTP', () => {
  test('/readyz is 503 until config, policy and audit are all ready', async () => {
    let r = await call('GET', '/readyz');
    assert.equal(r.status, 503);
    assert.deepEqual(json(r)['notReady'], ['config', 'policy', 'audit']);

    let policyReady = false;
    admin.readiness.register('config', () => ({ ready: true }));
    admin.readiness.register('policy', () => (policyReady ? { ready: true } : { ready: false, reason: 'compiling policies/' }));
    admin.readiness.register('audit', () => ({ ready: true }));
    r = await call('GET', '/readyz');
    assert.equal(r.status, 503);
    const body = json(r);
    assert.deepEqual(body['notReady'], ['policy']);
    assert.deepEqual((body['checks'] as Record<string, unknown>)['policy'], { ready: false, reason: 'compiling policies/' });
    assert.match((await call('GET', '/metrics')).body, /^changegate_ready 0$/m);

    policyReady = true;
    r = await call('GET', '/readyz');
    assert.equal(r.status, 200);
    assert.equal(json(r)['status'], 'ready');
    assert.match((await call('GET', '/metrics')).body, /^changegate_ready 1$/m);
  });

  test('a throwing probe is not ready, not a crash', async () => {
    const remove = admin.readiness.register('extra', () => {
      throw new Error('sink closed');
    });
    const r = await call('GET', '/readyz');
    assert.equal(r.status, 503);
    assert.deepEqual((json(r)['checks'] as Record<string, unknown>)['extra'], { ready: false, reason: 'probe failed: sink closed' });
    remove();
  });

  test('/healthz reports upstream reachability and stays 200 when one is down', async () => {
    await prober.checkNow();
    const r = await call('GET', '/healthz');
    assert.equal(r.status, 200);
    const body = json(r) as { status: string; upstreams: Record<string, { reachable: boolean; latencyMs: number; checkedAt: string; error?: string }> };
    assert.equal(body.status, 'ok');
    assert.equal(body.upstreams['gerrit']?.reachable, true);
    assert.equal(typeof body.upstreams['gerrit']?.latencyMs, 'number');
    assert.ok(!Number.isNaN(Date.parse(body.upstreams['gerrit']?.checkedAt ?? '')));
    assert.equal(body.upstreams['dagster']?.reachable, false);
    assert.equal(body.upstreams['dagster']?.error, 'ECONNREFUSED');
  });

  test('/metrics serves the Prometheus exposition', async () => {
    const r = await call('GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    assert.match(r.body, /^# TYPE changegate_requests_total counter$/m);
    assert.match(r.body, /^# TYPE changegate_request_duration_seconds histogram$/m);
  });

  test('HEAD on a GET route answers without a body', async () => {
    const r = await call('HEAD', '/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.body, '');
  });

  test('unknown paths are 404 JSON with error, reason and requestId', async () => {
    const r = await call('GET', '/nope?x=1');
    assert.equal(r.status, 404);
    const body = json(r);
    assert.equal(body['error'], 'not_found');
    assert.equal(typeof body['reason'], 'string');
    assert.equal(body['requestId'], r.headers['x-request-id']);
  });

  test('a known path with the wrong method is 405 with Allow', async () => {
    const r = await call('POST', '/metrics', 'x');
    assert.equal(r.status, 405);
    assert.equal(r.headers['allow'], 'GET');
    assert.equal(json(r)['error'], 'method_not_allowed');
  });

  test('registered routes receive the request; duplicates are refused', async () => {
    const r = await call('POST', '/hooks/echo', '{"event":"patchset-created"}');
    assert.equal(r.status, 200);
    assert.equal(json(r)['got'], '{"event":"patchset-created"}');
    assert.throws(() => admin.route('post', '/hooks/echo', () => undefined), TypeError);
  });

  test('listening on a taken port rejects', async () => {
    const other = new AdminServer({ metrics: createMetrics({ defaultMetrics: false }) });
    await assert.rejects(other.listen({ host: '127.0.0.1', port }), /EADDRINUSE/);
    await other.close();
  });

  test('a failing route is a 500 JSON that does not leak the error text', async () => {
    const r = await call('GET', '/boom');
    assert.equal(r.status, 500);
    const body = json(r);
    assert.equal(body['error'], 'internal');
    assert.ok(!r.body.includes('kaboom'));
  });
});
