// `<prefix>/graphql` over WebSocket, subprotocol `graphql-ws` (subscriptions-transport-ws):
// connection_init -> connection_ack; start {id, payload} -> data* then complete; stop {id};
// connection_terminate. A `start` carrying a query or mutation is executed once (data, complete),
// as subscriptions-transport-ws servers do. Dagster's own server probably fails such a start
// (graphql-core's subscribe; see shared/research/dagster.md section 4), but the stand-in runs it on
// purpose: a proxy that lets one through is then caught by a test. Identity headers come from the
// upgrade request and count for every operation on the socket.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionResult } from 'graphql';
import { WebSocketServer, type WebSocket } from 'ws';
import { prepare, runOnce, runSubscription, type GraphQLRequest } from './execute.js';
import type { DagsterModel } from './model.js';
import { received, type Received, type Recorder } from './records.js';

export const SUBPROTOCOL = 'graphql-ws';

interface Session {
  readonly socket: WebSocket;
  readonly seen: Received;
  readonly active: Map<string, AsyncIterator<ExecutionResult>>;
}

export interface WsDeps {
  readonly model: DagsterModel;
  readonly recorder: Recorder;
  /** Send `ka` this often after the ack. Default: never (the Dagster webserver sends none). */
  readonly keepAliveMs?: number;
}

function send(socket: WebSocket, message: Record<string, unknown>): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

function payloadOf(result: ExecutionResult): Record<string, unknown> {
  return { data: result.data ?? null, ...(result.errors === undefined ? {} : { errors: result.errors.map((e) => e.toJSON()) }) };
}

function toRequest(payload: unknown): GraphQLRequest | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  if (typeof p['query'] !== 'string') return undefined;
  const variables = typeof p['variables'] === 'object' && p['variables'] !== null ? (p['variables'] as Record<string, unknown>) : {};
  // Dagster's server reads the snake_case key; subscriptions-transport-ws clients send camelCase.
  const name = p['operationName'] ?? p['operation_name'];
  return { query: p['query'], variables, operationName: typeof name === 'string' && name !== '' ? name : null };
}

async function start(session: Session, id: string, payload: unknown, deps: WsDeps): Promise<void> {
  const request = toRequest(payload);
  if (request === undefined) return send(session.socket, { type: 'error', id, payload: { message: 'start needs payload.query' } });
  const prepared = prepare(request);
  if (!prepared.ok) {
    deps.recorder.rejected.push({ ...session.seen, transport: 'ws', query: request.query, errors: prepared.errors.map((e) => e.message) });
    return send(session.socket, { type: 'error', id, payload: prepared.errors[0]?.toJSON() ?? { message: 'invalid' } });
  }
  const execution = { request, prepared, transport: 'ws' as const, received: session.seen, model: deps.model, recorder: deps.recorder };
  if (prepared.operation.operation !== 'subscription') {
    send(session.socket, { type: 'data', id, payload: payloadOf(await runOnce(execution)) });
    return send(session.socket, { type: 'complete', id });
  }
  const stream = await runSubscription(execution);
  if (!(Symbol.asyncIterator in stream)) {
    send(session.socket, { type: 'data', id, payload: payloadOf(stream) });
    return send(session.socket, { type: 'complete', id });
  }
  const iterator = stream[Symbol.asyncIterator]();
  session.active.set(id, iterator);
  for (;;) {
    const next = await iterator.next();
    if (next.done === true || session.active.get(id) !== iterator) break;
    send(session.socket, { type: 'data', id, payload: payloadOf(next.value) });
  }
  // A stopped operation gets no complete, as on the real server.
  if (session.active.get(id) === iterator) {
    session.active.delete(id);
    send(session.socket, { type: 'complete', id });
  }
}

function stopAll(session: Session): void {
  for (const it of session.active.values()) void it.return?.();
  session.active.clear();
}

function onMessage(session: Session, raw: string, deps: WsDeps): void {
  let message: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    message = parsed as Record<string, unknown>;
  } catch {
    return send(session.socket, { type: 'connection_error', payload: { message: 'messages must be JSON objects' } });
  }
  const id = typeof message['id'] === 'string' ? message['id'] : String(message['id'] ?? '');
  switch (message['type']) {
    case 'connection_init':
      send(session.socket, { type: 'connection_ack' });
      if (deps.keepAliveMs !== undefined) {
        const timer = setInterval(() => send(session.socket, { type: 'ka' }), deps.keepAliveMs);
        session.socket.once('close', () => clearInterval(timer));
      }
      return;
    case 'start':
      start(session, id, message['payload'], deps).catch((e: unknown) => send(session.socket, { type: 'error', id, payload: { message: e instanceof Error ? e.message : String(e) } }));
      return;
    case 'stop': {
      const it = session.active.get(id);
      session.active.delete(id);
      void it?.return?.();
      return;
    }
    case 'connection_terminate':
      session.socket.close(1000);
      return;
    default:
      send(session.socket, { type: 'error', id, payload: { message: `unknown message type ${String(message['type'])}` } });
  }
}

export class GraphqlWsEndpoint {
  readonly #wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false) });
  readonly #deps: WsDeps;

  constructor(deps: WsDeps) {
    this.#deps = deps;
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const session: Session = { socket: ws, seen: received(req.headers), active: new Map() };
      ws.on('message', (data) => onMessage(session, String(data), this.#deps));
      ws.on('close', () => stopAll(session));
      ws.on('error', () => ws.terminate());
    });
  }

  close(): void {
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
  }
}
