// The ingress listener: Node's HTTP server with the limits that keep request smuggling and
// slow clients out, and a config address resolved to the bound one (so port 0 works in tests).

import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseListen } from '../config/listen.js';
import type { Config } from '../config/schema.js';
import { ChangegateError } from '../errors.js';
import { endSocketWithError } from '../http/respond.js';
import type { Ingress } from '../pipeline/ingress.js';

export function ingressServer(config: Config, ingress: Ingress): Server {
  const server = http.createServer({
    maxHeaderSize: config.limits.maxHeaderBytes,
    requestTimeout: 0,
    headersTimeout: 30_000,
    keepAliveTimeout: 65_000,
    requireHostHeader: true,
    joinDuplicateHeaders: false,
  });
  server.on('request', ingress.request);
  server.on('upgrade', ingress.upgrade);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const error =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? new ChangegateError('headers_too_large', `the request head is larger than ${config.limits.maxHeaderBytes} bytes`)
        : new ChangegateError('bad_request', 'the request could not be parsed as HTTP/1.1');
    endSocketWithError(socket, error, '');
  });
  return server;
}

export function listenOn(server: Server, address: string): Promise<AddressInfo> {
  const { host, port } = parseListen(address);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
