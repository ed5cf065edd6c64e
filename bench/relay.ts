// The floor under any Node.js proxy: a bare relay, node:http in and undici's pool out, with no
// authentication, policy, audit or header work. Changegate forwards the same way, so the gap
// between this row and nginx is what Node's HTTP stack costs, and the gap between this row and
// Changegate is what Changegate's own work costs.
//
//   node dist/bench/relay.js LISTEN_PORT UPSTREAM_PORT

import http from 'node:http';
import { Pool } from 'undici';

const [listenPort, upstreamPort] = process.argv.slice(2).map(Number);
if (!Number.isInteger(listenPort) || !Number.isInteger(upstreamPort)) {
  process.stderr.write('usage: relay LISTEN_PORT UPSTREAM_PORT\n');
  process.exit(2);
}

const pool = new Pool(`http://127.0.0.1:${upstreamPort}`, { connections: 256 });
const FRAMING = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'host']);

http
  .createServer((req, res) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !FRAMING.has(name)) headers[name] = value;
    const bodyless = req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
    pool.stream(
      { path: req.url ?? '/', method: req.method ?? 'GET', headers, body: bodyless ? null : req },
      ({ statusCode, headers: upstream }) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(upstream)) if (value !== undefined && !FRAMING.has(name)) out[name] = value;
        res.writeHead(statusCode, out);
        return res;
      },
      (err) => {
        if (err !== null && !res.headersSent) res.writeHead(502).end();
      },
    );
  })
  .listen(listenPort, '127.0.0.1');
