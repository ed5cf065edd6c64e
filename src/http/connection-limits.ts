// Caps open client connections, in total and per peer address, so one client (or everyone at
// once) cannot hold more sockets, parser buffers and body reads than the proxy can afford.
//
// The check runs when the connection is accepted, before a byte of it is parsed, so a refusal
// knows no request, identity or request id: it gets 503 + Retry-After + JSON on the raw socket,
// a metric and a throttled log line, and no audit record (a flood of refusals would otherwise
// be a way to fill the audit log, and there is no decision to record).
//
// The per-address count uses the socket's peer: at accept time there are no headers, and a
// client header is a claim anyway. A peer that is a trusted proxy (a load balancer) carries
// many clients on its connections, so it counts only against the total; limit per client there.

import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { ChangegateError } from '../errors.js';
import { peerAddress } from './forwarded.js';
import { endSocketWithError } from './respond.js';
import type { TrustedProxies } from './trusted-proxies.js';

export interface ConnectionLimits {
  readonly max: number;
  readonly maxPerAddress: number;
}

export type ConnectionRefusal = 'total' | 'address';

export interface ConnectionLimitDeps {
  readonly trusted: TrustedProxies;
  onRefused(reason: ConnectionRefusal, address: string): void;
}

const RETRY_AFTER_SECONDS = '5';

/** Installs the caps on `server`; must run before anything else listens for its connections. */
export function limitConnections(server: Server, limits: ConnectionLimits, deps: ConnectionLimitDeps): void {
  const byAddress = new Map<string, number>();
  let open = 0;
  // Prepended so the refusal is written before Node's HTTP parser starts on the socket.
  server.prependListener('connection', (socket: Socket) => {
    const address = peerAddress({ socket });
    const counted = !deps.trusted.contains(address);
    const mine = counted ? (byAddress.get(address) ?? 0) : 0;
    const refusal: ConnectionRefusal | undefined = open >= limits.max ? 'total' : mine >= limits.maxPerAddress ? 'address' : undefined;
    if (refusal !== undefined) {
      deps.onRefused(refusal, address);
      const reason =
        refusal === 'total'
          ? `the proxy has ${open} connections open, its limit; try again later`
          : `${mine} connections are already open from ${address}, the most one address may have; reuse or close one`;
      endSocketWithError(socket, new ChangegateError('overloaded', reason, { headers: { 'retry-after': RETRY_AFTER_SECONDS } }), '');
      return;
    }
    open++;
    if (counted) byAddress.set(address, mine + 1);
    socket.once('close', () => {
      open--;
      if (!counted) return;
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left === 0) byAddress.delete(address);
      else byAddress.set(address, left);
    });
  });
}
