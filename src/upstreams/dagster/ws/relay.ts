// A WebSocket relay that reads every client frame: the proxy terminates the client's socket
// and opens its own to Dagster (both with `ws`), so each `start` can be judged before Dagster
// sees it. A refused `start` gets an `error` frame and is never forwarded; every other valid
// frame, and everything Dagster sends, is relayed unchanged and in order.
//
// The handshake itself has already been authorized (as dagster.read) by the pipeline; this
// replaces the raw tunnel (Forwarder.ws) for Dagster upgrades. See README.md for the wiring.

import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { ChangegateError } from '../../../errors.js';
import { endSocketWithError } from '../../../http/respond.js';
import type { Classification } from '../../../pipeline/types.js';
import { errorFrame, parseClientFrame } from './frames.js';
import { judgeStart, type StartJudgeOptions } from './judge.js';

export const SUBPROTOCOL = 'graphql-ws';

/** Decides (and audits, write-ahead) one subscription; the pipeline's decide + audit stages. */
export type StartAuthorizer = (classification: Classification) => Promise<{ readonly allow: boolean; readonly reasons: readonly string[] }>;

export interface RelayOptions extends StartJudgeOptions {
  readonly req: IncomingMessage;
  readonly socket: Socket;
  readonly head: Buffer;
  /** ws:// or wss:// URL of Dagster's endpoint, path and query included (after stamping). */
  readonly upstreamUrl: string;
  /** Headers for Dagster's upgrade request (identity headers); hop-by-hop ones are dropped. */
  readonly upstreamHeaders: OutgoingHttpHeaders;
  readonly authorize: StartAuthorizer;
  /** Records a `start` refused before any decision (not a subscription, unreadable), for audit. */
  readonly onRefused?: (reason: string) => Promise<void>;
  /** Largest client frame read; larger closes the socket (1009). */
  readonly maxFrameBytes: number;
  /**
   * Closes both sockets (4408) after this long with no frame either way. Dagster's keep-alives
   * don't count: a subscription that streams nothing is idle, one that streams data is not.
   */
  readonly idleMs?: number;
}

export interface RelayOutcome {
  /** 101 when the relay ran, else the HTTP status written on the socket. */
  readonly status: number;
  readonly framesIn: number;
  readonly refused: number;
  /** True when the relay was closed for being idle. */
  readonly idle: boolean;
}

/** The close code for an idle relay: 4000 + HTTP's 408, in the range private to applications. */
export const IDLE_CLOSE_CODE = 4408;
const DEFAULT_IDLE_MS = 5 * 60_000;
/** Dagster must answer the relay's own upgrade within this, or the client gets a 502. */
const UPSTREAM_HANDSHAKE_MS = 30_000;

const HOP = new Set(['connection', 'upgrade', 'host', 'content-length', 'transfer-encoding', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol', 'sec-websocket-accept']);

export function relayGraphqlWs(options: RelayOptions): Promise<RelayOutcome> {
  return new Promise((resolve) => {
    const headers = Object.fromEntries(Object.entries(options.upstreamHeaders).filter(([k, v]) => !HOP.has(k.toLowerCase()) && v !== undefined)) as Record<string, string | string[]>;
    const upstream = new WebSocket(options.upstreamUrl, SUBPROTOCOL, { headers, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024, handshakeTimeout: UPSTREAM_HANDSHAKE_MS });
    let framesIn = 0;
    let refused = 0;
    upstream.once('error', () => {
      endSocketWithError(options.socket, new ChangegateError('upstream_unavailable', 'dagster is unreachable'), String(options.req.headers['x-request-id'] ?? ''));
      resolve({ status: 502, framesIn, refused, idle: false });
    });
    upstream.once('open', () => {
      upstream.removeAllListeners('error');
      const server = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: options.maxFrameBytes, handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false) });
      server.handleUpgrade(options.req, options.socket, options.head, (client) => {
        let chain = Promise.resolve();
        const closeBoth = (code: number, reason: string): void => {
          if (client.readyState === WebSocket.OPEN) client.close(sendable(code), reason);
          if (upstream.readyState === WebSocket.OPEN) upstream.close(sendable(code), reason);
        };
        const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
        let idle = false;
        const idleTimer = setTimeout(() => {
          idle = true;
          closeBoth(IDLE_CLOSE_CODE, `idle for ${idleMs} ms: nothing was sent either way`);
        }, idleMs);
        client.on('message', (data: RawData, isBinary: boolean) => {
          idleTimer.refresh();
          framesIn++;
          // Judge frames one at a time, so a later frame never overtakes an earlier one.
          chain = chain.then(() => onClientFrame(data, isBinary)).catch(() => closeBoth(1011, 'internal error'));
        });
        const onClientFrame = async (data: RawData, isBinary: boolean): Promise<void> => {
          if (isBinary) return closeBoth(1003, 'binary frames are not part of graphql-ws');
          const text = rawText(data);
          const parsed = parseClientFrame(text);
          if (!parsed.ok) {
            refused++;
            client.send(errorFrame(parsed.id, parsed.reason));
            return;
          }
          if (parsed.frame.type === 'start') {
            const verdict = await judgeStart(parsed.frame.payload, options);
            const decision = verdict.kind === 'judge' ? await options.authorize(verdict.classification) : undefined;
            if (verdict.kind === 'refuse') await options.onRefused?.(verdict.message);
            if (verdict.kind === 'refuse' || decision?.allow !== true) {
              refused++;
              const message = verdict.kind === 'refuse' ? verdict.message : `dagster.read denied: ${decision?.reasons.join(', ') || 'no policy rule allows this request'}`;
              if (client.readyState === WebSocket.OPEN) client.send(errorFrame(parsed.frame.id, message));
              return;
            }
          }
          if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
        };
        upstream.on('message', (data: RawData, isBinary: boolean) => {
          if (!isKeepAlive(data, isBinary)) idleTimer.refresh();
          if (client.readyState === WebSocket.OPEN) client.send(isBinary ? data : rawText(data), { binary: isBinary });
        });
        client.on('close', (code) => closeBoth(code, ''));
        upstream.on('close', (code) => closeBoth(code, ''));
        client.on('error', () => closeBoth(1011, ''));
        upstream.on('error', () => closeBoth(1011, ''));
        let closed = 0;
        const done = (): void => {
          if (++closed === 2) {
            clearTimeout(idleTimer);
            resolve({ status: 101, framesIn, refused, idle });
          }
        };
        client.once('close', done);
        upstream.once('close', done);
      });
    });
  });
}

/** Close codes a peer may send (1005, 1006 and 1015 only describe a close, never travel). */
function sendable(code: number): number {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999) ? code : 1000;
}

/** The server's `ka` frame, however its JSON is spaced; only short frames are parsed to tell. */
function isKeepAlive(data: RawData, isBinary: boolean): boolean {
  if (isBinary || !Buffer.isBuffer(data) || data.length > 32) return false;
  try {
    return (JSON.parse(data.toString('utf8')) as { type?: unknown } | null)?.type === 'ka';
  } catch {
    return false;
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
