// The ingress listener: Node's HTTP server with the limits that keep request smuggling, slow
// clients and connection floods out, and a config address resolved to the bound one (so port 0
// works in tests).

import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseListen } from '../config/listen.js';
import type { Config } from '../config/schema.js';
import { ChangegateError } from '../errors.js';
import { limitConnections } from '../http/connection-limits.js';
import { endSocketWithError } from '../http/respond.js';
import type { TrustedProxies } from '../http/trusted-proxies.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { throttled } from '../observability/throttle.js';
import type { Ingress } from '../pipeline/ingress.js';

export interface ListenerDeps {
  readonly trusted: TrustedProxies;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export function ingressServer(config: Config, ingress: Ingress, { trusted, metrics, logger }: ListenerDeps): Server {
  const server = http.createServer({
    maxHeaderSize: config.limits.maxHeaderBytes,
    // Whole requests, pushes included: generous, since a 1 GiB push streams through it. Bodies
    // the proxy reads to classify have their own, much shorter deadlines (body-deadline.ts).
    requestTimeout: config.limits.requestTimeoutMs,
    headersTimeout: config.limits.headersTimeoutMs,
    keepAliveTimeout: config.limits.keepAliveTimeoutMs,
    // Node checks both timeouts on this period; a tenth of the head's deadline keeps it close.
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(config.limits.headersTimeoutMs / 10))),
    requireHostHeader: true,
    joinDuplicateHeaders: false,
  });
  // One line per cap per 10 s at most: a flood of refused connections must not flood the log.
  const refusalLog = throttled(10_000, (reason: string, address: string, suppressed: number) =>
    logger.warn({ component: 'connections', reason, address, suppressed }, 'connection refused: over the connection cap'),
  );
  limitConnections(server, { max: config.limits.maxConnections, maxPerAddress: config.limits.maxConnectionsPerAddress }, {
    trusted,
    onRefused: (reason, address) => {
      metrics.connectionRefused(reason);
      refusalLog(reason, address);
    },
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
