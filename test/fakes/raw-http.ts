// A tiny raw-socket HTTP/1.1 client for sending requests no well-behaved client would: the bytes
// go out exactly as given (latin1, one byte per char), and the first response is read back.
// Reading stops at the end of the first response (Content-Length or chunked end), when the
// server closes, or at the timeout, whichever comes first; the result says which. hangUp sends a
// request and leaves without waiting for the answer.

import net from 'node:net';

export interface RawResponse {
  /** 0 when no status line arrived (the server closed or timed out without answering). */
  readonly status: number;
  readonly statusLine: string;
  /** Header fields in order, names as sent. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Body bytes as latin1 text (chunked framing removed). */
  readonly body: string;
  /** Everything received, as latin1. */
  readonly raw: string;
  readonly closedByServer: boolean;
  readonly timedOut: boolean;
}

export interface RawRequestOptions {
  readonly host?: string;
  readonly timeoutMs?: number;
  /** Keep reading after the first response until the server closes (or the timeout). */
  readonly untilClose?: boolean;
  /** Bind the client end to this local address (any 127.x.y.z on loopback). */
  readonly localAddress?: string;
}

export function rawRequest(port: number, bytes: string | Buffer, options: RawRequestOptions = {}): Promise<RawResponse> {
  const timeoutMs = options.timeoutMs ?? 3000;
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: options.host ?? '127.0.0.1', ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }) });
    let data = '';
    let closedByServer = false;
    let done = false;
    const finish = (timedOut: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponse(data, closedByServer, timedOut));
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (options.untilClose !== true && responseComplete(data)) finish(false);
    });
    socket.on('end', () => {
      closedByServer = true;
      finish(false);
    });
    socket.on('close', () => {
      closedByServer = true;
      finish(false);
    });
    socket.on('error', () => finish(false)); // a reset is an answer too: raw says what arrived
    socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  });
}

/**
 * Sends `bytes` and hangs up (destroys the socket) once `leave` resolves. `leave` gets what has
 * arrived so far as latin1, up to its first 4 KiB: the head is what a test looks at, and a long
 * body is not kept.
 */
export async function hangUp(port: number, bytes: string, leave: (received: () => string) => Promise<unknown>): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    if (received.length < 4096) received += chunk.toString('latin1');
  });
  socket.on('error', () => undefined); // a reset after we leave is nothing to report
  socket.write(Buffer.from(bytes, 'latin1'));
  try {
    await leave(() => received);
  } finally {
    socket.destroy();
  }
}

function headerEnd(data: string): number {
  return data.indexOf('\r\n\r\n');
}

function responseComplete(data: string): boolean {
  const end = headerEnd(data);
  if (end < 0) return false;
  const head = data.slice(0, end).toLowerCase();
  const body = data.slice(end + 4);
  const status = Number(/^http\/\d\.\d (\d{3})/.exec(head)?.[1] ?? 0);
  if ((status >= 100 && status < 200) || status === 204 || status === 304) return true;
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (length !== null) return body.length >= Number(length[1]);
  if (/\r\ntransfer-encoding:\s*chunked/.test(head)) return /(^|\r\n)0\r\n\r\n$/.test(body);
  return false; // read until close
}

function parseResponse(raw: string, closedByServer: boolean, timedOut: boolean): RawResponse {
  const end = headerEnd(raw);
  const head = end < 0 ? raw : raw.slice(0, end);
  const lines = head.split('\r\n');
  const statusLine = lines[0] ?? '';
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Array<readonly [string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
  }
  let body = end < 0 ? '' : raw.slice(end + 4);
  if (headers.some(([n, v]) => n.toLowerCase() === 'transfer-encoding' && /chunked/i.test(v))) body = unchunk(body);
  return { status, statusLine, headers, body, raw, closedByServer, timedOut };
}

function unchunk(body: string): string {
  let out = '';
  let rest = body;
  for (let guard = 0; guard < 100_000; guard++) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd < 0) break;
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
  return out;
}

/** A request head with CRLF line ends; `lines` are header lines, body appended as given. */
export function buildRequest(requestLine: string, lines: readonly string[], body = ''): string {
  return [requestLine, ...lines, '', body].join('\r\n');
}
