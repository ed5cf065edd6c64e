// collect() against a real local server: the answer and its body, a POST's body, the byte bound
// (and that the aborted socket is closed, not left open), the deadline on a server that never
// answers, and a body that breaks off mid-way.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { Pool } from 'undici';
import { AnswerDeadline, AnswerTooLarge, collect } from '../../src/http/collect.js';

let server: http.Server;
let pool: Pool;
/** Settles when the socket that served /big closes. */
let bigClosed: Promise<void> | undefined;
/** Requests held unanswered, released in after(). */
const held: http.ServerResponse[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      if (url === '/echo') {
        res.writeHead(201, { 'content-type': 'text/plain', 'x-method': req.method ?? '' });
        res.end(`${req.method} ${req.headers['content-type']} ${Buffer.concat(chunks).toString('utf8')}`);
      } else if (url === '/big') {
        const socket: Socket = req.socket;
        bigClosed = socket.destroyed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(Buffer.alloc(64 * 1024, 'a')); // and never ends: only the bound stops the read
      } else if (url === '/never') {
        held.push(res);
      } else if (url === '/breaks') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('first half ', () => res.socket?.destroy());
      } else {
        res.writeHead(404);
        res.end('no such path');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 4 });
});

after(async () => {
  for (const res of held) res.destroy();
  await pool.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const limits = { timeoutMs: 5_000, maxBytes: 1024 * 1024 };

test('a POST: status, headers and body of the answer, the request body delivered', async () => {
  const got = await collect(pool, { path: '/echo', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }, limits);
  assert.equal(got.status, 201);
  assert.equal(got.headers['x-method'], 'POST');
  assert.equal(got.body.toString('utf8'), 'POST application/json {"a":1}');
  assert.equal(got.complete, true);
});

test('a GET with a non-2xx answer resolves with its status and body', async () => {
  const got = await collect(pool, { path: '/missing', method: 'GET' }, limits);
  assert.equal(got.status, 404);
  assert.equal(got.body.toString('utf8'), 'no such path');
  assert.equal(got.complete, true);
});

test('a body past maxBytes rejects and its socket is closed', { timeout: 10_000 }, async () => {
  await assert.rejects(
    collect(pool, { path: '/big', method: 'GET' }, { timeoutMs: 5_000, maxBytes: 1000, peer: 'Gerrit' }),
    (e: unknown) => e instanceof AnswerTooLarge && e.maxBytes === 1000 && e.message === "Gerrit's answer is larger than 1000 bytes",
  );
  // The server sees the connection close (the body never ended, so only the abort closes it).
  assert.ok(bigClosed !== undefined);
  await bigClosed;
  // The pool still answers afterwards, on a fresh connection.
  const got = await collect(pool, { path: '/echo', method: 'GET' }, limits);
  assert.equal(got.status, 201);
});

test('the deadline rejects a request the server never answers', { timeout: 10_000 }, async () => {
  await assert.rejects(collect(pool, { path: '/never', method: 'GET' }, { timeoutMs: 50, maxBytes: 1024 }), (e: unknown) => e instanceof AnswerDeadline && e.timeoutMs === 50);
});

test('a body that breaks off resolves with what arrived, marked incomplete', async () => {
  const got = await collect(pool, { path: '/breaks', method: 'GET' }, limits);
  assert.equal(got.status, 200);
  assert.equal(got.complete, false);
  assert.equal(got.body.toString('utf8'), 'first half ');
});

test('a refused connection rejects', async () => {
  const dead = new Pool('http://127.0.0.1:9');
  try {
    await assert.rejects(collect(dead, { path: '/', method: 'GET' }, limits), (e: unknown) => e instanceof Error && !(e instanceof AnswerDeadline));
  } finally {
    await dead.close();
  }
});

test('the deadline holds for a request still waiting for a connection', { timeout: 10_000 }, async () => {
  const one = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 1 });
  try {
    // The only connection is taken by a request the server never answers; the second waits behind it.
    const first = collect(one, { path: '/never', method: 'GET' }, { timeoutMs: 100, maxBytes: 1024 });
    const second = collect(one, { path: '/echo', method: 'GET' }, { timeoutMs: 50, maxBytes: 1024 });
    await assert.rejects(second, (e: unknown) => e instanceof AnswerDeadline && e.timeoutMs === 50);
    await assert.rejects(first, (e: unknown) => e instanceof AnswerDeadline && e.timeoutMs === 100);
  } finally {
    await one.close();
  }
});
