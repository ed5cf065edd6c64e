// WebSocket limits against the real proxy (issue 13, part 5): open WebSockets are capped per
// identity (429) and in total (503), refused before the upgrade with JSON and audited; a relay
// with nothing to say either way is closed with 4408 and a completion record, while one whose
// subscription keeps streaming data stays open however long it runs. Dagster's upstream here is
// a graphql-ws endpoint that streams or sends keep-alives on request. Waits are bounded polls.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket, { WebSocketServer } from 'ws';
import { ADMIN_CLIENT, OPERATOR_CLIENT, startHarness, type Harness } from './harness.js';
import { auditRecords } from '../fakes/audit-records.js';
import { eventually } from '../fakes/poll.js';
import { TEST_MACHINE_CLIENT } from '../fakes/idp.js';

/** Generous: a hang guard, never a timing assertion. */
const GUARD_MS = 10_000;

interface Refusal {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: Record<string, unknown>;
  readonly requestId: string | undefined;
}

function connect(h: Harness, path: string, token: string): Promise<WebSocket | Refusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.proxy.ingress.port}${path}`, 'graphql-ws', { headers: { authorization: `Bearer ${token}` } });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        const requestId = res.headers['x-request-id'];
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: JSON.parse(text) as Record<string, unknown>, requestId: typeof requestId === 'string' ? requestId : undefined });
      });
    });
    ws.once('error', reject);
  });
}



function closeAll(sockets: WebSocket[]): void {
  for (const ws of sockets.splice(0)) ws.terminate();
}

describe('WebSocket caps', () => {
  let h: Harness;
  const sockets: WebSocket[] = [];
  before(async () => {
    h = await startHarness({ config: (c) => ({ ...c, limits: { maxWebSocketsPerIdentity: 2, maxWebSockets: 3 } }) });
  });
  after(async () => {
    closeAll(sockets);
    await h.close();
  });

  const opened = async (token: string): Promise<WebSocket> => {
    const ws = await connect(h, '/dagster/graphql', token);
    assert.ok(ws instanceof WebSocket, `expected an open WebSocket, got ${JSON.stringify(ws)}`);
    sockets.push(ws);
    return ws;
  };

  test('one identity past its cap gets 429 + Retry-After + JSON before the upgrade, audited', async () => {
    const token = await h.token(TEST_MACHINE_CLIENT.clientId);
    await opened(token);
    await opened(token);
    const third = await connect(h, '/dagster/graphql', token);
    assert.ok(!(third instanceof WebSocket), 'the third WebSocket was refused');
    assert.equal(third.status, 429);
    assert.equal(third.retryAfter, '30');
    assert.equal(third.body['error'], 'too_many_requests');
    assert.match(String(third.body['reason']), /already have 2 WebSockets open/);
    const refusal = auditRecords(h.config.audit.path).find((r) => r['requestId'] === third.requestId && (r['decision'] as { allow?: boolean } | undefined)?.allow === false);
    assert.deepEqual((refusal?.['decision'] as { reasons?: string[] } | undefined)?.reasons, ['too_many_requests']);
    // Another identity is not held back by the first one's share.
    await opened(await h.token(ADMIN_CLIENT.clientId));
  });

  test('past the total cap anyone gets 503', async () => {
    const refused = await connect(h, '/dagster/graphql', await h.token(OPERATOR_CLIENT.clientId));
    assert.ok(!(refused instanceof WebSocket));
    assert.equal(refused.status, 503);
    assert.equal(refused.body['error'], 'overloaded');
    assert.ok(refused.retryAfter !== undefined);
  });

  test('a closed WebSocket gives its place back', async () => {
    closeAll(sockets);
    const token = await h.token(TEST_MACHINE_CLIENT.clientId);
    await eventually('a place to free up', async () => {
      const ws = await connect(h, '/dagster/graphql', token);
      if (!(ws instanceof WebSocket)) return false;
      sockets.push(ws);
      return true;
    });
  });
});

describe('idle WebSockets', () => {
  let h: Harness;
  let upstream: http.Server;
  const IDLE_MS = 500;

  before(async () => {
    upstream = await startStreamingDagster();
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    h = await startHarness({
      config: (c) => ({
        ...c,
        upstreams: { ...(c['upstreams'] as Record<string, unknown>), dagster: { url, pathPrefix: '/dagster', timeoutMs: 2000 } },
        limits: { webSocketIdleMs: IDLE_MS },
      }),
    });
  });
  after(async () => {
    await h.close();
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
  });

  interface Session {
    readonly frames: Array<{ type: string; id?: string }>;
    readonly closed: Promise<{ code: number; reason: string }>;
  }

  const session = async (start?: { id: string; query: string }): Promise<Session> => {
    const ws = await connect(h, '/dagster/graphql', await h.token(TEST_MACHINE_CLIENT.clientId));
    assert.ok(ws instanceof WebSocket);
    const frames: Session['frames'] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Session['frames'][number]));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    if (start !== undefined) ws.send(JSON.stringify({ type: 'start', id: start.id, payload: { query: start.query, variables: {} } }));
    return { frames, closed };
  };
  const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('no close within the guard')), GUARD_MS))]);

  test('a relay with nothing to say is closed with 4408 and a reason, and the close is audited', async () => {
    const before = auditRecords(h.config.audit.path).length;
    const s = await session();
    const { code, reason } = await guard(s.closed);
    assert.equal(code, 4408);
    assert.match(reason, /idle for 500 ms/);
    await eventually('the completion record', () => auditRecords(h.config.audit.path).slice(before).some((r) => r['kind'] === 'completion' && r['status'] === 101 && r['error'] === 'request_timeout'));
  });

  test("Dagster's keep-alives do not make a relay busy", async () => {
    const s = await session({ id: 'ka', query: 'subscription KeepAlive { locationStateChangeEvents { __typename } }' });
    const { code } = await guard(s.closed);
    assert.equal(code, 4408);
    assert.ok(s.frames.filter((f) => f.type === 'ka').length > 0, 'keep-alives were relayed');
  });

  test('a subscription that keeps streaming data stays open past the idle timeout', async () => {
    const s = await session({ id: 'stream', query: 'subscription Stream { locationStateChangeEvents { __typename } }' });
    const { code } = await guard(s.closed);
    // 30 frames 50 ms apart is 1.5 s of streaming, three idle timeouts: all arrived, then idle.
    assert.equal(s.frames.filter((f) => f.type === 'data').length, STREAMED_FRAMES);
    assert.equal(code, 4408);
  });

  test('a raw tunnel (Gerrit) with no traffic is cut too', async () => {
    const ws = await connect(h, '/ws-echo', await h.token(ADMIN_CLIENT.clientId));
    assert.ok(ws instanceof WebSocket);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    assert.equal(await guard(closed), 1006, 'the socket was cut without a close frame');
  });
});

const STREAMED_FRAMES = 30;

/**
 * A graphql-ws endpoint standing in for Dagster's: acks connection_init; a start with operation
 * `KeepAlive` gets `ka` frames every 50 ms until the socket closes, one with `Stream` gets
 * STREAMED_FRAMES data frames 50 ms apart and then silence.
 */
async function startStreamingDagster(): Promise<http.Server> {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, handleProtocols: (p) => (p.has('graphql-ws') ? 'graphql-ws' : false) });
  wss.on('connection', (socket) => {
    const timers: NodeJS.Timeout[] = [];
    socket.on('close', () => timers.forEach(clearInterval));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; id?: string; payload?: { query?: string } };
      if (frame.type === 'connection_init') socket.send(JSON.stringify({ type: 'connection_ack' }));
      if (frame.type !== 'start') return;
      if (frame.payload?.query?.includes('KeepAlive')) timers.push(setInterval(() => socket.send(JSON.stringify({ type: 'ka' })), 50));
      if (frame.payload?.query?.includes('Stream')) {
        let sent = 0;
        const timer = setInterval(() => {
          socket.send(JSON.stringify({ type: 'data', id: frame.id, payload: { data: { locationStateChangeEvents: { __typename: 'LocationStateChangeSubscription' } } } }));
          if (++sent === STREAMED_FRAMES) clearInterval(timer);
        }, 50);
        timers.push(timer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
