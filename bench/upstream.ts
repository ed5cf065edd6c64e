// The benchmark's upstream: one process standing in for both Gerrit and the Dagster webserver,
// answering each shape the scenarios send as cheaply as it can, so the figures measure the
// proxy and not the stand-in.
//
//   node dist/bench/upstream.js <port>
//
// - Gerrit REST under /a/changes/: a ChangeInfo for GET (the proxy's change lookup before a
//   vote) and a ReviewResult for POST .../review, both behind Gerrit's `)]}'` guard line.
// - git-receive-pack: drains the pushed body and answers a report-status on sideband 1.
// - /dagster/graphql: POST answers the proxy's run lookup (runOrError) with a run of
//   finance/ledger_job, and anything else with a launchRun success and a fresh run id; WebSocket upgrades
//   speak subscriptions-transport-ws (subprotocol graphql-ws): connection_ack, and one `data`
//   then `complete` for each `start`.
// - Anything else: "ok" over keep-alive.

import http from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

const GERRIT_GUARD = ")]}'\n";
const CHANGE = /^\/a\/changes\/([^/?]+)(\/revisions\/[^/]+\/review)?(?:\?|$)/;
const OK_HEADERS = { 'content-type': 'text/plain', 'content-length': 2 } as const;

let runs = 0;

function changeInfo(id: string): string {
  const number = Number.parseInt(decodeURIComponent(id).split('~').pop() ?? '', 10) || 1;
  return (
    GERRIT_GUARD +
    JSON.stringify({
      id: `bench~main~I${number.toString(16).padStart(40, '0')}`,
      project: 'bench',
      branch: 'main',
      change_id: `I${number.toString(16).padStart(40, '0')}`,
      _number: number,
      status: 'NEW',
      owner: { _account_id: 1000001, username: 'owner', email: 'owner@example.test' },
      current_revision: 'a'.repeat(40),
      labels: {
        'Code-Review': { all: [{ _account_id: 1000002, username: 'alice', value: 1 }] },
        Verified: { all: [] },
      },
    })
  );
}

function sendJson(res: http.ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A receive-pack result on sideband 1: "unpack ok", then flush. */
function receivePackResult(): Buffer {
  const pkt = (payload: string): string => (payload.length + 4).toString(16).padStart(4, '0') + payload;
  const inner = pkt('unpack ok\n') + pkt('ok refs/for/main\n') + '0000';
  return Buffer.from(pkt(`\x01${inner}`) + '0000', 'latin1');
}

function onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '/';
  if (req.method === 'POST' && url.endsWith('/git-receive-pack')) {
    req.resume();
    req.on('end', () => {
      const body = receivePackResult();
      res.writeHead(200, { 'content-type': 'application/x-git-receive-pack-result', 'content-length': body.length });
      res.end(body);
    });
    return;
  }
  const change = CHANGE.exec(url);
  if (url.startsWith('/dagster/graphql') && req.method === 'POST') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => sendJson(res, dagsterAnswer(Buffer.concat(chunks).toString('utf8'))));
    return;
  }
  req.resume();
  req.on('end', () => {
    if (change !== null && change[2] !== undefined && req.method === 'POST') {
      return sendJson(res, GERRIT_GUARD + JSON.stringify({ labels: { Verified: 1 } }));
    }
    if (change !== null && req.method === 'GET') return sendJson(res, changeInfo(change[1] ?? '1'));
    res.writeHead(200, OK_HEADERS);
    res.end('ok');
  });
}

function dagsterAnswer(body: string): string {
  if (body.includes('runOrError')) {
    const runId = (JSON.parse(body) as { variables?: { runId?: string } }).variables?.runId ?? 'unknown';
    const run = { __typename: 'Run', runId, pipelineName: 'ledger_job', repositoryOrigin: { repositoryLocationName: 'finance', repositoryName: '__repository__' } };
    return JSON.stringify({ data: { runOrError: run } });
  }
  const runId = `bench-run-${process.pid}-${++runs}`;
  return JSON.stringify({ data: { launchRun: { __typename: 'LaunchRunSuccess', run: { runId } } } });
}

function onSocket(socket: WebSocket): void {
  socket.on('message', (data: RawData) => {
    let frame: { type?: unknown; id?: unknown };
    try {
      frame = JSON.parse(String(data)) as typeof frame;
    } catch {
      return;
    }
    if (frame.type === 'connection_init') socket.send('{"type":"connection_ack"}');
    else if (frame.type === 'start' && typeof frame.id === 'string') {
      socket.send(JSON.stringify({ type: 'data', id: frame.id, payload: { data: { pipelineRunLogs: { __typename: 'PipelineRunLogsSubscriptionSuccess' } } } }));
      socket.send(JSON.stringify({ type: 'complete', id: frame.id }));
    } else if (frame.type === 'connection_terminate') socket.close(1000);
  });
}

const port = Number(process.argv[2] ?? 0);
const server = http.createServer({ keepAliveTimeout: 65_000 }, onRequest);
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (p) => (p.has('graphql-ws') ? 'graphql-ws' : false) });
server.on('upgrade', (req, socket, head) => {
  if (!(req.url ?? '').startsWith('/dagster/graphql')) return socket.destroy();
  wss.handleUpgrade(req, socket, head, onSocket);
});
server.listen(port, '127.0.0.1');
