// The push head is classified while the rest of the body is still on its way, and the stream
// handed on replays every byte in order: the pack is never buffered whole.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { readPushHead } from '../../../src/upstreams/gerrit/git/push-stream.js';
import { A, ZERO, pushBody } from './pkt.js';

let server: http.Server;
let port = 0;
let onHead: (refs: string[]) => void = () => undefined;

before(async () => {
  server = http.createServer((req, res) => {
    void (async () => {
      try {
        const { head, stream } = await readPushHead(req, 64 * 1024);
        onHead(head.commands.map((c) => c.ref));
        const hash = createHash('sha256');
        let length = 0;
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          hash.update(chunk);
          length += chunk.length;
        }
        res.end(JSON.stringify({ sha: hash.digest('hex'), length }));
      } catch (e) {
        res.writeHead(400).end(e instanceof Error && 'code' in e ? String(e.code) : String(e));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('classification completes before the client has sent the pack; all bytes follow in order', async () => {
  const head = pushBody([`${ZERO} ${A} refs/for/main\0report-status`], { pack: true, packBytes: Buffer.from('PACK\0\0\0\x02') });
  const rest = Array.from({ length: 64 }, () => randomBytes(64 * 1024));
  const all = createHash('sha256').update(head);
  for (const r of rest) all.update(r);
  const headSeen = new Promise<string[]>((resolve) => (onHead = resolve));
  const answer = new Promise<{ sha: string; length: number }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/p/git-receive-pack', agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(parts).toString()) as { sha: string; length: number }));
    });
    req.on('error', reject);
    req.write(head);
    // Hold the pack back until the head has been judged: a buffering reader would hang here.
    void headSeen.then(async () => {
      for (const r of rest) if (!req.write(r)) await new Promise((d) => req.once('drain', d));
      req.end();
    });
  });
  assert.deepEqual(await headSeen, ['refs/for/main']);
  const got = await answer;
  assert.equal(got.length, head.length + rest.length * 64 * 1024);
  assert.equal(got.sha, all.digest('hex'));
});

test('a command list larger than the limit is 413', async () => {
  const commands = Array.from({ length: 1000 }, (_, i) => `${ZERO} ${A} refs/heads/b${i}${i === 0 ? '\0report-status' : ''}`);
  const body = pushBody(commands, { pack: true });
  const code = await new Promise<string>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/p/git-receive-pack', agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve(Buffer.concat(parts).toString()));
    });
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(code, 'payload_too_large');
});
