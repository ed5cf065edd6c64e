// Dagster's graphql-ws through the proxy: RSS per idle WebSocket and active round trips, on a
// freshly started proxy, then the same load direct to the upstream for comparison.

import type { Bench } from '../lib/context.js';
import { webSockets, type WebSocketResult } from '../lib/websockets.js';

export interface WebSocketScenario {
  readonly changegate: WebSocketResult;
  readonly direct: WebSocketResult;
}

const PATH = '/dagster/graphql';

export async function webSocketsThrough(bench: Bench): Promise<WebSocketScenario> {
  const { wsIdle: idle, wsActive: active, wsSeconds: seconds } = bench.settings;
  process.stderr.write(`  WebSockets: ${idle} idle + ${active} active for ${seconds} s, through changegate (fresh process), then direct\n`);
  const options = { headers: bench.bearer, idle, active, seconds };
  const ws = (base: string): string => `${base.replace(/^http:/, 'ws:')}${PATH}`;
  // One bench client opens every socket from one address with one identity: the per-address and
  // per-identity caps (256 connections, 32 WebSockets by default) would refuse all but a few, and
  // the row would measure the refusals. An operator expecting this load raises them the same way.
  const sockets = idle + active;
  const limits = { maxWebSockets: sockets + 64, maxWebSocketsPerIdentity: sockets, maxConnectionsPerAddress: sockets + 64, maxConnections: Math.max(4096, sockets + 64) };
  const proxy = await bench.startProxy('websockets', { workers: 1, ports: 'side', limits });
  let changegate: WebSocketResult;
  try {
    changegate = await webSockets({ ...options, url: ws(proxy.url), pids: { changegate: proxy.child.pid, upstream: bench.upstreamPid } });
  } finally {
    await proxy.child.stop();
  }
  const direct = await webSockets({ ...options, url: ws(bench.directUrl), pids: { upstream: bench.upstreamPid } });
  return { changegate, direct };
}
