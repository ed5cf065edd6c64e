// Slow clients against the real proxy (issue 13, part 3): an anonymous body is refused before
// it is read, a body read to classify it has an idle and a total deadline (408, audited), a
// push's pack streams at the client's pace past those deadlines, and connections are capped in
// total and per peer address (503 + Retry-After). The deadlines are configured short (hundreds
// of milliseconds) so the tests are fast; every wait below is a bounded poll or a hang guard.

import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRequest, rawRequest, type RawResponse } from '../fakes/raw-http.js';
import { A, pkt, flush, ZERO } from '../upstreams/gerrit/pkt.js';
import { ADMIN_CLIENT, startHarness, type Harness } from './harness.js';
import { auditRecords } from '../fakes/audit-records.js';
import { eventually } from '../fakes/poll.js';

/** Generous: a hang guard, never a timing assertion. */
const GUARD_MS = 10_000;

function header(r: RawResponse, name: string): string | undefined {
  return r.headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

function json(r: RawResponse): Record<string, unknown> {
  return JSON.parse(r.body) as Record<string, unknown>;
}


function decisionFor(h: Harness, requestId: string | undefined): { allow?: boolean; reasons?: string[] } | undefined {
  const record = auditRecords(h.config.audit.path).find((r) => r['kind'] === 'decision' && r['requestId'] === requestId);
  return record?.['decision'] as { allow?: boolean; reasons?: string[] } | undefined;
}


describe('slow bodies', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ config: (c) => ({ ...c, limits: { bodyIdleMs: 300, bodyTotalMs: 1500, maxClassifiedBodyBytes: 16 * 1024 } }) });
  });
  after(() => h.close());

  test('an anonymous request with a body gets 401 before the body is read, and the connection closes', async () => {
    // Most of a 1 MiB body, then silence: on the old code the proxy read it and waited for the rest.
    const head = buildRequest('POST /dagster/graphql HTTP/1.1', ['Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Length: 1048576']);
    const r = await rawRequest(h.proxy.ingress.port, Buffer.concat([Buffer.from(head, 'latin1'), Buffer.alloc(64 * 1024, 0x20)]), { timeoutMs: GUARD_MS, untilClose: true });
    assert.equal(r.timedOut, false, 'the proxy closed the connection');
    assert.equal(r.status, 401, r.raw.slice(0, 300));
    assert.match(header(r, 'www-authenticate') ?? '', /Basic realm="changegate"/);
    assert.equal(header(r, 'connection'), 'close');
    assert.equal(json(r)['error'], 'unauthenticated');
    assert.deepEqual(decisionFor(h, header(r, 'x-request-id'))?.reasons, ['unauthenticated']);
    assert.ok(!h.dagster.received.some((x) => x.url.startsWith('/dagster/graphql')), 'nothing reached Dagster');
  });

  test('a browser without a session is still sent to sign in', async () => {
    const r = await rawRequest(h.proxy.ingress.port, buildRequest('GET /dagster/runs HTTP/1.1', ['Host: 127.0.0.1', 'Accept: text/html']), { timeoutMs: GUARD_MS });
    assert.equal(r.status, 302, r.raw.slice(0, 300));
    assert.match(header(r, 'location') ?? '', /^\/\.changegate\/login\?rd=/);
  });

  test('a signed-in body that stalls gets 408 after the idle deadline, audited, and the connection closes', async () => {
    const token = await h.token('ci-runner');
    const head = buildRequest('POST /dagster/graphql HTTP/1.1', ['Host: 127.0.0.1', `Authorization: Bearer ${token}`, 'Content-Type: application/json', 'Content-Length: 100'], '{"query":');
    const r = await rawRequest(h.proxy.ingress.port, head, { timeoutMs: GUARD_MS, untilClose: true });
    assert.equal(r.timedOut, false, 'the proxy closed the connection');
    assert.equal(r.status, 408, r.raw.slice(0, 300));
    assert.equal(json(r)['error'], 'request_timeout');
    assert.match(String(json(r)['reason']), /stalled/);
    assert.equal(header(r, 'connection'), 'close');
    assert.deepEqual(decisionFor(h, header(r, 'x-request-id'))?.reasons, ['request_timeout']);
  });

  test('a body that keeps trickling in gets 408 at the total deadline', async () => {
    const token = await h.token('ci-runner');
    const socket = net.connect(h.proxy.ingress.port, '127.0.0.1');
    let raw = '';
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (d: Buffer) => (raw += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.write(buildRequest('POST /dagster/graphql HTTP/1.1', ['Host: 127.0.0.1', `Authorization: Bearer ${token}`, 'Content-Type: application/json', 'Content-Length: 1000']));
    // One byte every 100 ms: never idle for 300 ms, never done.
    const drip = setInterval(() => socket.write(' '), 100);
    try {
      await Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), GUARD_MS))]);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
    assert.match(raw, /^HTTP\/1\.1 408 /);
    assert.match(raw, /did not arrive within 1500 ms/);
  });

  test('a chunked body over the inspected limit gets its 413 (the proxy stops reading, answers, then closes)', async () => {
    const token = await h.token('ci-runner');
    const head = buildRequest('POST /dagster/graphql HTTP/1.1', ['Host: 127.0.0.1', `Authorization: Bearer ${token}`, 'Content-Type: application/json', 'Transfer-Encoding: chunked']);
    // 64 KiB chunks past the 16 KiB limit, and no terminating chunk: the proxy must not wait for one.
    const chunk = Buffer.concat([Buffer.from('10000\r\n', 'latin1'), Buffer.alloc(0x10000, 0x20), Buffer.from('\r\n', 'latin1')]);
    const r = await rawRequest(h.proxy.ingress.port, Buffer.concat([Buffer.from(head, 'latin1'), chunk, chunk]), { timeoutMs: GUARD_MS, untilClose: true });
    assert.equal(r.timedOut, false, 'the proxy closed the connection');
    assert.equal(r.status, 413, r.raw.slice(0, 300));
    assert.equal(json(r)['error'], 'payload_too_large');
    assert.deepEqual(decisionFor(h, header(r, 'x-request-id'))?.reasons, ['payload_too_large']);
    assert.ok(!h.dagster.received.some((x) => x.url.startsWith('/dagster/graphql')), 'nothing reached Dagster');
  });

  test('a push whose command list stalls gets 408', async () => {
    const token = await h.token(ADMIN_CLIENT.clientId);
    const partial = pkt(`${ZERO} ${A} refs/heads/main\0report-status\n`).subarray(0, 20);
    const head = buildRequest('POST /project/git-receive-pack HTTP/1.1', ['Host: 127.0.0.1', `Authorization: Bearer ${token}`, 'Content-Type: application/x-git-receive-pack-request', 'Content-Length: 500']);
    const r = await rawRequest(h.proxy.ingress.port, Buffer.concat([Buffer.from(head, 'latin1'), partial]), { timeoutMs: GUARD_MS, untilClose: true });
    assert.equal(r.status, 408, r.raw.slice(0, 300));
    assert.equal(json(r)['error'], 'request_timeout');
    assert.ok(!h.gerrit.received.some((x) => x.url.endsWith('/git-receive-pack')), 'nothing reached Gerrit');
  });

  test('a push whose pack arrives slowly, with pauses past both deadlines, streams through whole', async () => {
    const token = await h.token(ADMIN_CLIENT.clientId);
    const commands = Buffer.concat([pkt(`${ZERO} ${A} refs/heads/slow\0report-status\n`), flush()]);
    const pack = [Buffer.from('PACK'), ...Array.from({ length: 5 }, (_, i) => Buffer.alloc(4096, i))];
    const body = Buffer.concat([commands, ...pack]);
    const socket = net.connect(h.proxy.ingress.port, '127.0.0.1');
    let raw = '';
    socket.on('data', (d: Buffer) => (raw += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.write(buildRequest('POST /project/git-receive-pack HTTP/1.1', ['Host: 127.0.0.1', `Authorization: Bearer ${token}`, 'Content-Type: application/x-git-receive-pack-request', `Content-Length: ${body.length}`]));
    socket.write(Buffer.concat([commands, pack[0]!]));
    // The rest of the pack in pieces 400 ms apart (past the 300 ms idle deadline), 2 s in all
    // (past the 1.5 s total): the deadlines cover what the proxy buffers, not what streams.
    for (const piece of pack.slice(1)) {
      await new Promise((r) => setTimeout(r, 400));
      socket.write(piece);
    }
    try {
      await eventually('the push answer', () => /\r\n\r\n\{.*\}$/s.test(raw));
    } finally {
      socket.destroy();
    }
    assert.match(raw, /^HTTP\/1\.1 200 /);
    const seen = h.gerrit.received.filter((x) => x.url.endsWith('/git-receive-pack')).at(-1);
    assert.equal(seen?.bytes, body.length, 'Gerrit got every byte');
  });
});

describe('connection caps', () => {
  let h: Harness;
  const open: net.Socket[] = [];
  before(async () => {
    h = await startHarness({ config: (c) => ({ ...c, trustedProxies: ['127.0.0.2/32'], limits: { maxConnectionsPerAddress: 3, maxConnections: 6 } }) });
  });
  after(async () => {
    for (const s of open) s.destroy();
    await h.close();
  });

  /** A connection the proxy accepted: it answers a request on it and keeps it open. */
  const hold = async (localAddress: string): Promise<net.Socket> => {
    const socket = net.connect({ port: h.proxy.ingress.port, host: '127.0.0.1', localAddress });
    open.push(socket);
    socket.on('error', () => undefined);
    const answer = await new Promise<string>((resolve) => {
      let raw = '';
      socket.on('data', (d: Buffer) => {
        raw += d.toString('latin1');
        if (raw.includes('\r\n\r\n')) resolve(raw);
      });
      socket.write('GET /dagster/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });
    assert.match(answer, /^HTTP\/1\.1 401 /, 'accepted: the request was answered normally');
    return socket;
  };
  const refused = (localAddress: string): Promise<RawResponse> =>
    rawRequest(h.proxy.ingress.port, 'GET /dagster/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', { localAddress, timeoutMs: GUARD_MS });

  test('past the per-address cap a connection gets 503 + Retry-After + JSON; other addresses and trusted proxies are not counted against it', async () => {
    for (let i = 0; i < 3; i++) await hold('127.0.0.1');
    const over = await refused('127.0.0.1');
    assert.equal(over.status, 503, over.raw.slice(0, 300));
    assert.equal(header(over, 'retry-after'), '5');
    assert.equal(json(over)['error'], 'overloaded');
    assert.match(String(json(over)['reason']), /from 127\.0\.0\.1/);
    await hold('127.0.0.3');
    // A trusted proxy carries many clients: only the total counts its connections.
    await hold('127.0.0.2');
    await hold('127.0.0.2');
    const full = await refused('127.0.0.2');
    assert.equal(full.status, 503);
    assert.match(String(json(full)['reason']), /limit/);
    const metrics = await (await fetch(`${h.adminBase}/metrics`)).text();
    assert.match(metrics, /changegate_connections_refused_total\{reason="address"\} 1/);
    assert.match(metrics, /changegate_connections_refused_total\{reason="total"\} 1/);
  });

  test('a closed connection frees its place', async () => {
    for (const s of open.splice(0)) s.destroy();
    await eventually('a new connection to be accepted', async () => (await refused('127.0.0.1')).status !== 503);
  });
});
