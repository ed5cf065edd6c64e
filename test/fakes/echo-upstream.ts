// An upstream that records every request it receives (method, url, headers, body digest) and
// answers with what it saw. Paths with meaning:
//   /download?bytes=N   streams N bytes back (a large response)
//   /hang               never answers (timeouts)
//   /slow?ms=N          answers after N ms (draining on shutdown)
//   anything else       JSON echo of the request
// WebSocket upgrades are echoed back frame by frame.

import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly bytes: number;
  readonly sha256: string;
}

export interface EchoUpstream {
  readonly url: string;
  readonly port: number;
  readonly received: Received[];
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

export async function startEchoUpstream(): Promise<EchoUpstream> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    if (url.pathname.endsWith('/hang')) return;
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      hash.update(c);
    });
    req.on('end', () => {
      const record: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, bytes, sha256: hash.digest('hex') };
      received.push(record);
      if (url.pathname.endsWith('/download')) return streamBytes(res, Number(url.searchParams.get('bytes') ?? 0));
      const text = JSON.stringify(record);
      const answer = (): void => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      if (url.pathname.endsWith('/slow')) setTimeout(answer, Math.min(Number(url.searchParams.get('ms') ?? 0), 10_000));
      else answer();
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, req) => {
    received.push({ method: 'WS', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, bytes: 0, sha256: '' });
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function streamBytes(res: http.ServerResponse, total: number): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
  let left = total;
  const pump = (): void => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}
