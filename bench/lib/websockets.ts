// Many WebSockets held open at once, as Dagster UIs hold them: `idle` sockets that only did the
// graphql-ws handshake (connection_init -> connection_ack), plus `active` ones that loop
// start -> data -> complete with a new run id each time (every start is judged and audited
// by the proxy). Measures the RSS the server side grows by per idle socket, and the active
// round trips per second. Every phase is bounded.

import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { percentile } from './open-loop.js';
import { memoryOf } from './processes.js';

export interface WebSocketOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly idle: number;
  readonly active: number;
  readonly seconds: number;
  /** The processes whose memory is read: the server under test first. */
  readonly pids: Readonly<Record<string, number>>;
}

export interface WebSocketResult {
  readonly idle: number;
  readonly active: number;
  readonly failedToOpen: number;
  /** KiB RSS before any socket, after the idle ones, after the active phase; per process name. */
  readonly rssKiB: Readonly<Record<string, { readonly before: number; readonly idle: number; readonly active: number }>>;
  /** (RSS with idle sockets - RSS before) / idle, per process name. */
  readonly kibPerIdle: Readonly<Record<string, number>>;
  readonly roundTripsPerSecond: number;
  readonly roundTripP50Ms: number;
  readonly roundTripP99Ms: number;
  readonly refusedStarts: number;
  /** What the first refused start was told, to tell a misconfiguration from load. */
  readonly firstRefusal?: string;
}

const SUBSCRIPTION = 'subscription Logs($runId: ID!) { pipelineRunLogs(runId: $runId) { __typename } }';
const OPEN_TIMEOUT_MS = 10_000;

export interface Frame {
  readonly type: string;
  readonly id?: string;
  readonly payload?: unknown;
}

export interface Session {
  readonly socket: WebSocket;
  /** Resolves on the next frame of one of these types for this id. */
  next(id: string | undefined, types: readonly string[]): Promise<Frame>;
}

function open(url: string, headers: Readonly<Record<string, string>>): Promise<Session> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-ws', { headers, perMessageDeflate: false, handshakeTimeout: OPEN_TIMEOUT_MS });
    const waiters: { id: string | undefined; types: readonly string[]; resolve: (f: Frame) => void }[] = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      const i = waiters.findIndex((w) => w.id === frame.id && w.types.includes(frame.type));
      if (i !== -1) waiters.splice(i, 1)[0]!.resolve(frame);
    });
    const session: Session = {
      socket,
      next: (id, types) => new Promise((r) => waiters.push({ id, types, resolve: r })),
    };
    // Errors after the open end the socket ('close' follows); before it, they fail the open.
    socket.on('error', reject);
    socket.once('unexpected-response', (req, res) => {
      // With this listener ws leaves the refused handshake to us: end it.
      reject(new Error(`upgrade answered ${res.statusCode}`));
      req.destroy();
    });
    socket.once('open', () => {
      const ack = session.next(undefined, ['connection_ack']);
      socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      const timer = setTimeout(() => reject(new Error('no connection_ack')), OPEN_TIMEOUT_MS);
      void ack.then(() => {
        clearTimeout(timer);
        resolve(session);
      });
    });
  });
}

/** Opens `count` sessions, `batch` at a time. Failures are counted, not thrown. */
export async function openMany(url: string, headers: Readonly<Record<string, string>>, count: number, batch = 50): Promise<{ sessions: Session[]; failed: number }> {
  const sessions: Session[] = [];
  let failed = 0;
  for (let i = 0; i < count; i += batch) {
    const results = await Promise.allSettled(Array.from({ length: Math.min(batch, count - i) }, () => open(url, headers)));
    for (const r of results) {
      if (r.status === 'fulfilled') sessions.push(r.value);
      else failed++;
    }
  }
  return { sessions, failed };
}

function rssOf(pids: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, memoryOf(pid).rssKiB]));
}

/** Closes sessions, waiting a bounded time for each close handshake. */
export function closeAll(sessions: readonly Session[]): Promise<unknown> {
  return Promise.all(
    sessions.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.socket.readyState === WebSocket.CLOSED) return resolve();
          s.socket.once('close', () => resolve());
          s.socket.close(1000);
          setTimeout(() => (s.socket.terminate(), resolve()), 3000).unref();
        }),
    ),
  );
}

export async function roundTrip(s: Session, id: string): Promise<Frame> {
  const answer = s.next(id, ['complete', 'error']);
  s.socket.send(JSON.stringify({ type: 'start', id, payload: { query: SUBSCRIPTION, variables: { runId: `bench-run-${id}` }, operationName: 'Logs' } }));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Frame>((r) => (timer = setTimeout(() => r({ type: 'timeout' }), 10_000)));
  const frame = await Promise.race([answer, timeout]);
  clearTimeout(timer);
  return frame;
}

export async function webSockets(options: WebSocketOptions): Promise<WebSocketResult> {
  // Warm-up, so code loaded on first use (the relay, the schema validation) is not counted
  // as memory per socket.
  const warm = await openMany(options.url, options.headers, 10);
  for (const [i, s] of warm.sessions.entries()) await roundTrip(s, `warm-${i}`);
  await closeAll(warm.sessions);
  await sleep(500);
  const before = rssOf(options.pids);
  const idle = await openMany(options.url, options.headers, options.idle);
  await sleep(1000);
  const withIdle = rssOf(options.pids);

  const active = await openMany(options.url, options.headers, options.active);
  const latencies: number[] = [];
  let refused = 0;
  let firstRefusal: string | undefined;
  let counter = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const loop = async (s: Session): Promise<void> => {
    while (performance.now() < deadline && s.socket.readyState === WebSocket.OPEN) {
      const id = String(++counter);
      const started = performance.now();
      const frame = await roundTrip(s, id);
      if (frame.type !== 'complete') {
        refused++;
        firstRefusal ??= `${frame.type}: ${JSON.stringify(frame.payload ?? null)}`;
      }
      else latencies.push(performance.now() - started);
    }
  };
  const activeStarted = performance.now();
  await Promise.all(active.sessions.map(loop));
  const activeSeconds = (performance.now() - activeStarted) / 1000;
  const withActive = rssOf(options.pids);

  await closeAll([...idle.sessions, ...active.sessions]);
  latencies.sort((a, b) => a - b);
  const rssKiB = Object.fromEntries(Object.keys(options.pids).map((n) => [n, { before: before[n]!, idle: withIdle[n]!, active: withActive[n]! }]));
  return {
    idle: idle.sessions.length,
    active: active.sessions.length,
    failedToOpen: idle.failed + active.failed,
    rssKiB,
    kibPerIdle: Object.fromEntries(Object.keys(options.pids).map((n) => [n, idle.sessions.length === 0 ? Number.NaN : (withIdle[n]! - before[n]!) / idle.sessions.length])),
    roundTripsPerSecond: latencies.length / activeSeconds,
    roundTripP50Ms: percentile(latencies, 50),
    roundTripP99Ms: percentile(latencies, 99),
    refusedStarts: refused,
    ...(firstRefusal === undefined ? {} : { firstRefusal }),
  };
}
