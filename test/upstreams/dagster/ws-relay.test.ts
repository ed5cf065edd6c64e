// The graphql-ws relay on real sockets: a client speaks to the relay, the relay to a small
// graphql-ws server that records every frame it receives. Mutations and queries in `start`
// frames, unreadable frames and denied subscriptions never reach it.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket, WebSocketServer } from 'ws';
import { relayGraphqlWs, SUBPROTOCOL } from '../../../src/upstreams/dagster/ws/relay.js';
import type { Classification } from '../../../src/pipeline/types.js';
import { TableLookup, testSchema } from './harness.js';

interface Frame {
  type: string;
  id?: string;
  payload?: Record<string, unknown>;
}

describe('Dagster graphql-ws relay', () => {
  const upstreamFrames: Frame[] = [];
  const judged: Classification[] = [];
  const upgradeHeaders: http.IncomingHttpHeaders[] = [];
  let upstreamHttp: http.Server;
  let proxy: http.Server;
  let proxyPort = 0;

  before(async () => {
    upstreamHttp = http.createServer();
    const wss = new WebSocketServer({ server: upstreamHttp, handleProtocols: (p) => (p.has(SUBPROTOCOL) ? SUBPROTOCOL : false) });
    wss.on('connection', (socket, req) => {
      upgradeHeaders.push(req.headers);
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as Frame;
        upstreamFrames.push(frame);
        if (frame.type === 'connection_init') socket.send(JSON.stringify({ type: 'connection_ack' }));
        if (frame.type === 'start') {
          socket.send(JSON.stringify({ type: 'data', id: frame.id, payload: { data: { ok: true } } }));
          socket.send(JSON.stringify({ type: 'complete', id: frame.id }));
        }
      });
    });
    await new Promise<void>((r) => upstreamHttp.listen(0, '127.0.0.1', r));
    const upstreamPort = (upstreamHttp.address() as AddressInfo).port;
    const lookup = new TableLookup();
    lookup.runs.set('run-1', { runId: 'run-1', location: 'finance', repository: 'r', job: 'etl' });
    proxy = http.createServer();
    proxy.on('upgrade', (req, socket, head) => {
      void relayGraphqlWs({
        req,
        socket: socket as import('node:net').Socket,
        head,
        upstreamUrl: `ws://127.0.0.1:${upstreamPort}/dagster/graphql`,
        upstreamHeaders: { 'x-forwarded-user': 'alice', connection: 'upgrade', host: 'evil' },
        schema: testSchema(),
        lookup,
        maxFrameBytes: 64 * 1024,
        authorize: (c) => {
          judged.push(c);
          const ids = (c.resource['runIds'] as string[] | undefined) ?? [];
          return Promise.resolve(ids.includes('secret') ? { allow: false, reasons: ['no_rule_allows'] } : { allow: true, reasons: ['dagster_read_viewer'] });
        },
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyPort = (proxy.address() as AddressInfo).port;
  });

  after(async () => {
    await new Promise<void>((r) => proxy.close(() => r()));
    await new Promise<void>((r) => upstreamHttp.close(() => r()));
  });

  /** Opens a socket, sends the frames, and collects replies until `until` frames arrived. */
  async function session(frames: unknown[], until: number): Promise<Frame[]> {
    const client = new WebSocket(`ws://127.0.0.1:${proxyPort}/dagster/graphql`, SUBPROTOCOL);
    const replies: Frame[] = [];
    await new Promise<void>((resolve, reject) => {
      client.once('error', reject);
      client.once('open', () => {
        for (const f of frames) client.send(typeof f === 'string' ? f : JSON.stringify(f));
      });
      client.on('message', (data) => {
        replies.push(JSON.parse(String(data)) as Frame);
        if (replies.length >= until) resolve();
      });
    });
    assert.equal(client.protocol, SUBPROTOCOL);
    client.close();
    return replies;
  }

  const start = (id: string, query: string, extra: Record<string, unknown> = {}): Frame => ({ type: 'start', id, payload: { query, variables: {}, ...extra } });

  it('relays the handshake and an allowed subscription, scoped by lookup', async () => {
    upstreamFrames.length = 0;
    const replies = await session([{ type: 'connection_init', payload: {} }, start('1', 'subscription S { pipelineRunLogs(runId: "run-1") { __typename } }')], 3);
    assert.deepEqual(replies.map((r) => r.type), ['connection_ack', 'data', 'complete']);
    assert.deepEqual(upstreamFrames.map((f) => f.type), ['connection_init', 'start']);
    const field = (judged.at(-1)?.resource['fields'] as Record<string, unknown>[])[0];
    assert.equal(field?.['location'], 'finance');
    assert.equal(upgradeHeaders.at(-1)?.['x-forwarded-user'], 'alice');
  });

  const refusals: [string, unknown, RegExp][] = [
    ['a mutation', start('m', 'mutation { launchRun(executionParams: {selector: {repositoryLocationName: "f", repositoryName: "r", jobName: "j"}}) { __typename } }'), /only subscriptions/],
    ['a query', start('q', '{ runsOrError { __typename } }'), /only subscriptions/],
    ['an aliased mutation in a second operation', start('o', 'subscription A { locationStateChangeEvents { __typename } } mutation B { x: reloadWorkspace { __typename } }', { operationName: 'B' }), /only subscriptions/],
    ['disagreeing operation names', start('d', 'subscription A { locationStateChangeEvents { __typename } } mutation B { reloadWorkspace { __typename } }', { operationName: 'A', operation_name: 'B' }), /disagree/],
    ['a denied subscription', start('s', 'subscription { pipelineRunLogs(runId: "secret") { __typename } }'), /denied: no_rule_allows/],
    ['malformed GraphQL', start('g', 'subscription {'), /does not parse/],
    ['a frame that is not JSON', '{nope', /not JSON/],
    ['an unknown frame type', { type: 'execute', id: 'x' }, /unknown frame type/],
  ];
  for (const [name, frame, reason] of refusals) {
    it(`answers ${name} with an error frame and never forwards it`, async () => {
      upstreamFrames.length = 0;
      // A final allowed subscription: once its reply is back, anything forwarded before it has
      // reached the upstream too (frames are relayed in order).
      const replies = await session([{ type: 'connection_init' }, frame, start('z', 'subscription { locationStateChangeEvents { __typename } }')], 4);
      // The error is ours and may arrive before Dagster's ack.
      const error = replies.find((r) => r.type === 'error');
      assert.ok(error !== undefined && replies.some((r) => r.type === 'connection_ack'), JSON.stringify(replies));
      assert.match(String(error.payload?.['message']), reason);
      assert.deepEqual(upstreamFrames.map((f) => `${f.type}${f.id ?? ''}`), ['connection_init', 'startz']);
    });
  }

  it('answers 502 on the handshake when Dagster is unreachable', async () => {
    const broken = http.createServer();
    const outcomes: number[] = [];
    broken.on('upgrade', (req, socket, head) => {
      void relayGraphqlWs({ req, socket: socket as import('node:net').Socket, head, upstreamUrl: 'ws://127.0.0.1:9/graphql', upstreamHeaders: {}, maxFrameBytes: 1024, authorize: () => Promise.resolve({ allow: true, reasons: [] }) }).then((o) => outcomes.push(o.status));
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const client = new WebSocket(`ws://127.0.0.1:${(broken.address() as AddressInfo).port}/graphql`, SUBPROTOCOL);
        client.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        client.once('open', () => reject(new Error('opened')));
        client.once('error', () => undefined);
      });
      assert.equal(status, 502);
      assert.deepEqual(outcomes, [502]);
    } finally {
      await new Promise<void>((r) => broken.close(() => r()));
    }
  });
});
