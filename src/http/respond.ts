// Every response the proxy writes itself (errors, denials) goes through here, so each has the
// same JSON shape and carries the request id.

import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ChangegateError } from '../errors.js';
import { declaresBody } from './read-body.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  // Answered before its body was read: Node would otherwise keep the connection and drain the
  // body at the client's pace, which is what a slow body is counting on.
  if (bodyUnread(res.req)) res.setHeader('connection', 'close');
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

/** The request declares a body that has not all arrived. */
function bodyUnread(req: IncomingMessage | undefined): boolean {
  return req !== undefined && !req.complete && declaresBody(req);
}

export function sendError(res: ServerResponse, error: unknown, requestId: string): void {
  const err = error instanceof ChangegateError ? error : new ChangegateError('internal', 'internal error; see the proxy log for this request id');
  const headers: Record<string, string> = { 'x-request-id': requestId, ...err.headers };
  sendJson(res, err.status, err.toBody(requestId), headers);
}

/**
 * The same error on a raw socket, where there is no response object: a request head Node could
 * not parse, or a WebSocket handshake whose tunnel failed. The socket is closed once written.
 */
export function endSocketWithError(socket: Duplex, error: ChangegateError, requestId: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = JSON.stringify(error.toBody(requestId));
  const extra = Object.entries(error.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\n${extra}` +
      `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
    () => socket.destroy(),
  );
}
