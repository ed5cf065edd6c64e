// Every response the proxy writes itself (errors, denials) goes through here, so each has the
// same JSON shape and carries the request id.

import type { ServerResponse } from 'node:http';
import { ChangegateError } from '../errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown, requestId: string): void {
  const err = error instanceof ChangegateError ? error : new ChangegateError('internal', 'internal error; see the proxy log for this request id');
  const headers: Record<string, string> = { 'x-request-id': requestId, ...err.headers };
  sendJson(res, err.status, err.toBody(requestId), headers);
}
