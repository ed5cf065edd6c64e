import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { ChangegateError } from '../../src/errors.js';
import { setBodyDeadlines } from '../../src/http/body-deadline.js';
import { readBoundedBody } from '../../src/http/read-body.js';

/** A server whose handler reads the body with readBoundedBody; `outcome` settles with what it read or why it refused. */
async function server(t: { after(fn: () => Promise<void>): void }, maxBytes: number, deadlines = { idleMs: 5_000, totalMs: 10_000 }) {
  let settle: (v: Buffer | ChangegateError | Error) => void = () => undefined;
  const outcome = new Promise<Buffer | ChangegateError | Error>((r) => (settle = r));
  let begin: () => void = () => undefined;
  const reading = new Promise<void>((r) => (begin = r));
  const srv = createServer((req: IncomingMessage, res) => {
    setBodyDeadlines(req, deadlines);
    begin();
    readBoundedBody(req, maxBytes).then(
      (body) => {
        settle(body);
        res.end('ok');
      },
      (e: Error) => {
        settle(e);
        res.statusCode = e instanceof ChangegateError ? e.status : 500;
        res.end();
      },
    );
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const sockets: Socket[] = [];
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => srv.close(() => r()));
  });
  const raw = (text: string): Socket => {
    const s = connect((srv.address() as AddressInfo).port, '127.0.0.1');
    sockets.push(s);
    s.on('error', () => undefined);
    s.write(text);
    return s;
  };
  return { outcome, reading, raw };
}

const head = (extra: string): string => `POST /x HTTP/1.1\r\nhost: h\r\n${extra}\r\n`;

test('a body in several chunks is read whole', async (t) => {
  const { outcome, raw } = await server(t, 100);
  const s = raw(head('transfer-encoding: chunked\r\n') + '3\r\nabc\r\n');
  s.write('3\r\ndef\r\n0\r\n\r\n');
  assert.equal(String(await outcome), 'abcdef');
});

test('a chunked body over the limit is refused with 413 while it is still arriving', async (t) => {
  const { outcome, raw } = await server(t, 4);
  raw(head('transfer-encoding: chunked\r\n') + '8\r\n12345678\r\n');
  const e = await outcome;
  assert.ok(e instanceof ChangegateError && e.code === 'payload_too_large', String(e));
});

test('a body that stalls is refused with 408 once the idle deadline passes', async (t) => {
  const { outcome, raw } = await server(t, 100, { idleMs: 50, totalMs: 10_000 });
  raw(head('content-length: 10\r\n') + 'abc');
  const e = await outcome;
  assert.ok(e instanceof ChangegateError && e.code === 'request_timeout' && /stalled/.test(e.message), String(e));
});

test('a body that trickles past the total deadline is refused with 408, however lively each chunk', async (t) => {
  const { outcome, raw } = await server(t, 1_000_000, { idleMs: 5_000, totalMs: 100 });
  const s = raw(head('transfer-encoding: chunked\r\n'));
  const drip = setInterval(() => s.write('1\r\na\r\n'), 10);
  t.after(() => clearInterval(drip));
  const e = await outcome;
  assert.ok(e instanceof ChangegateError && e.code === 'request_timeout' && /did not arrive within 100 ms/.test(e.message), String(e));
});

test('a client that hangs up mid-body settles the read at once, with no timer left to wait for', async (t) => {
  const { outcome, reading, raw } = await server(t, 100);
  const s = raw(head('content-length: 10\r\n') + 'abc');
  await reading;
  s.destroy();
  const e = await outcome;
  assert.ok(e instanceof Error, String(e));
});
