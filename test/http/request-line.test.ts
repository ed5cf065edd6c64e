// Raw bytes against a plain Node server whose handler runs our request hygiene. Three tables:
// what Node itself refuses (the handler must never run: if a Node upgrade loosens a check, this
// fails), what Node lets through and we refuse (the handler must run, and our check must be the
// one that says no), and ordinary requests both accept.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isChangegateError } from '../../src/errors.js';
import { admitRequest, upstreamRequestHeaders } from '../../src/http/hygiene.js';
import { checkRequestHead, duplicateSingleton, lenientParserReason } from '../../src/http/request-line.js';
import { TrustedProxies } from '../../src/http/trusted-proxies.js';
import { rawRequest } from '../fakes/raw-http.js';

const H = 'Host: gate.example\r\nConnection: close\r\n';
const LIMITS = { maxUrlBytes: 8192 };

/** Refused by Node before any handler runs: [name, raw request, status]. */
const NODE_REFUSES: ReadonlyArray<readonly [string, string, number]> = [
  ['CL + TE', `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
  ['TE + CL', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n`, 400],
  ['duplicate equal Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc`, 400],
  ['conflicting Content-Length', `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd`, 400],
  ['Content-Length list', `POST / HTTP/1.1\r\n${H}Content-Length: 3, 3\r\n\r\nabc`, 400],
  ['Content-Length +3', `POST / HTTP/1.1\r\n${H}Content-Length: +3\r\n\r\nabc`, 400],
  ['Content-Length -3', `POST / HTTP/1.1\r\n${H}Content-Length: -3\r\n\r\nabc`, 400],
  ['Content-Length hex', `POST / HTTP/1.1\r\n${H}Content-Length: 0x3\r\n\r\nabc`, 400],
  ['Content-Length with space', `POST / HTTP/1.1\r\n${H}Content-Length: 3 3\r\n\r\nabc`, 400],
  ['Content-Length overflow', `POST / HTTP/1.1\r\n${H}Content-Length: 99999999999999999999999\r\n\r\nabc`, 400],
  ['TE chunked, gzip', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n`, 400],
  ['TE twice', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
  ['TE with vertical tab', `POST / HTTP/1.1\r\n${H}Transfer-Encoding:\x0bchunked\r\n\r\n0\r\n\r\n`, 400],
  ['obs-fold (space)', `GET / HTTP/1.1\r\n${H}X-A: a\r\n b\r\n\r\n`, 400],
  ['obs-fold (tab)', `GET / HTTP/1.1\r\n${H}X-A: a\r\n\tb\r\n\r\n`, 400],
  ['obs-fold on Transfer-Encoding', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: x\r\n chunked\r\n\r\n0\r\n\r\n`, 400],
  ['space before colon', `GET / HTTP/1.1\r\n${H}X-A : a\r\n\r\n`, 400],
  ['bare LF line ends', 'GET / HTTP/1.1\nHost: gate.example\nConnection: close\n\n', 400],
  ['bare CR in a header value', `GET / HTTP/1.1\r\n${H}X-A: a\rb\r\n\r\n`, 400],
  ['NUL in a header value', `GET / HTTP/1.1\r\n${H}X-A: a\x00b\r\n\r\n`, 400],
  ['control byte in a header value', `GET / HTTP/1.1\r\n${H}X-A: a\x01b\r\n\r\n`, 400],
  ['bad header name', `GET / HTTP/1.1\r\n${H}X(A): a\r\n\r\n`, 400],
  ['empty header name', `GET / HTTP/1.1\r\n${H}: a\r\n\r\n`, 400],
  ['non-ASCII header name (lookalike)', `GET / HTTP/1.1\r\n${H}X-Forwarded-Us\xe9r: admin\r\n\r\n`, 400],
  ['NUL in a header name', `GET / HTTP/1.1\r\n${H}X-Forwarded-User\x00: admin\r\n\r\n`, 400],
  ['space inside a header name', `GET / HTTP/1.1\r\n${H}X-Forwarded User: admin\r\n\r\n`, 400],
  ['control byte in the target', `GET /a\x01b HTTP/1.1\r\n${H}\r\n`, 400],
  ['tab in the target', `GET /a\tb HTTP/1.1\r\n${H}\r\n`, 400],
  ['DEL in the target', `GET /a\x7fb HTTP/1.1\r\n${H}\r\n`, 400],
  ['raw UTF-8 in the target', `GET /caf\xc3\xa9 HTTP/1.1\r\n${H}\r\n`, 400],
  ['authority-form GET', `GET evil.example:443 HTTP/1.1\r\n${H}\r\n`, 400],
  ['unknown method', `FOO / HTTP/1.1\r\n${H}\r\n`, 400],
  ['lower-case method', `get / HTTP/1.1\r\n${H}\r\n`, 400],
  ['HTTP/1.2', `GET / HTTP/1.2\r\n${H}\r\n`, 400],
  ['lower-case version', `GET / http/1.1\r\n${H}\r\n`, 400],
  ['trailing space on the request line', `GET / HTTP/1.1 \r\n${H}\r\n`, 400],
  ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n', 400],
  ['request line + headers over maxHeaderSize', `GET /${'a'.repeat(20_000)} HTTP/1.1\r\n${H}\r\n`, 431],
];

/**
 * Node answers 400 to these only once it reads the body, after the handler has run: the head
 * looked fine to llhttp. [name, raw request, what our head checks said]. For the Transfer-
 * Encoding cases our check refuses first, so no upstream request is ever opened; for broken
 * chunk framing nothing at the head is wrong, so the forwarder must abort the upstream request
 * when the client request errors.
 */
const NODE_REFUSES_IN_BODY: ReadonlyArray<readonly [string, string, string]> = [
  ['TE gzip', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\nabc`, 'bad_request'],
  ['TE identity', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: identity\r\n\r\n`, 'bad_request'],
  ['TE xchunked', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`, 'bad_request'],
  ['bad chunk size', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`, 'ok'],
  ['chunk size overflow', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\nabc\r\n0\r\n\r\n`, 'ok'],
  ['bare LF in chunked framing', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n`, 'ok'],
];

/** Accepted by Node, refused by our checks: [name, raw request, error code]. */
const WE_REFUSE: ReadonlyArray<readonly [string, string, string]> = [
  ['absolute-form', `GET http://evil.example/a HTTP/1.1\r\n${H}\r\n`, 'bad_path'],
  ['absolute-form, other scheme', `GET gopher://evil.example/a HTTP/1.1\r\n${H}\r\n`, 'bad_path'],
  ['asterisk-form with GET', `GET * HTTP/1.1\r\n${H}\r\n`, 'bad_path'],
  ['fragment', `GET /a#b HTTP/1.1\r\n${H}\r\n`, 'bad_path'],
  ['backslash', `GET /a\\..\\b HTTP/1.1\r\n${H}\r\n`, 'bad_path'],
  ['encoded backslash', `GET /a%5c..%5cb HTTP/1.1\r\n${H}\r\n`, 'bad_path'],
  ['encoded NUL', `GET /a%00 HTTP/1.1\r\n${H}\r\n`, 'bad_path'],
  ['overlong UTF-8 dot', `GET /%C0%AE%C0%AE/x HTTP/1.1\r\n${H}\r\n`, 'bad_path'],
  ['path parameter', `GET /changes;x/1 HTTP/1.1\r\n${H}\r\n`, 'bad_path'],
  ['target over maxUrlBytes', `GET /${'a'.repeat(9000)} HTTP/1.1\r\n${H}\r\n`, 'uri_too_long'],
  ['HTTP/0.9', 'GET /\r\n\r\n', 'bad_request'],
  ['HTTP/2.0 request line', `GET / HTTP/2.0\r\n${H}\r\n`, 'bad_request'],
  ['TE gzip, chunked', `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`, 'bad_request'],
  ['TE on HTTP/1.0', `POST / HTTP/1.0\r\n${H}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 'bad_request'],
  ['duplicate Host', 'GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n', 'bad_header'],
  ['duplicate Host, other case', 'GET / HTTP/1.1\r\nHost: a.example\r\nhOST: b.example\r\nConnection: close\r\n\r\n', 'bad_header'],
  ['duplicate Authorization', `GET / HTTP/1.1\r\n${H}Authorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n`, 'bad_header'],
  ['duplicate Content-Type', `POST / HTTP/1.1\r\n${H}Content-Length: 2\r\nContent-Type: application/json\r\nContent-Type: text/plain\r\n\r\n{}`, 'bad_header'],
  ['duplicate X-Request-Id', `GET / HTTP/1.1\r\n${H}X-Request-Id: a\r\nX-Request-Id: b\r\n\r\n`, 'bad_header'],
  ['invalid Host', 'GET / HTTP/1.1\r\nHost: a b/c\r\nConnection: close\r\n\r\n', 'bad_header'],
  ['Host with userinfo', 'GET / HTTP/1.1\r\nHost: admin@gate.example\r\nConnection: close\r\n\r\n', 'bad_header'],
];

/** Fine for both. */
const BOTH_ACCEPT: ReadonlyArray<readonly [string, string]> = [
  ['plain GET', `GET /changes/?q=status:open HTTP/1.1\r\n${H}\r\n`],
  ['HTTP/1.0 without Host', 'GET / HTTP/1.0\r\n\r\n'],
  ['POST with Content-Length', `POST /a HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabc`],
  ['chunked POST', `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`],
  ['chunked in upper case', `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n`],
  ['chunk extension', `POST /a HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;a=b\r\nabc\r\n0\r\n\r\n`],
  ['OPTIONS *', `OPTIONS * HTTP/1.1\r\n${H}\r\n`],
  ['Gerrit project with %2F', `GET /a/projects/external%2Fbison/branches HTTP/1.1\r\n${H}\r\n`],
  ['obs-text in a header value', `GET / HTTP/1.1\r\n${H}X-A: caf\xc3\xa9\r\n\r\n`],
  ['duplicate Cookie lines', `GET / HTTP/1.1\r\n${H}Cookie: a=1\r\nCookie: b=2\r\n\r\n`],
];

describe('request hygiene against a plain Node server', () => {
  let server: http.Server;
  let port = 0;
  let reached = 0;
  let lastVerdict = '';

  before(async () => {
    server = http.createServer((req, res) => {
      reached++;
      const admission = admitRequest(req, { trusted: TrustedProxies.none, limits: LIMITS });
      const verdict = admission.kind === 'refused' ? { status: admission.error.status, code: admission.error.code } : { status: 200, code: 'ok' };
      lastVerdict = verdict.code;
      req.resume();
      req.on('end', () => res.writeHead(verdict.status, { 'content-type': 'text/plain' }).end(verdict.code));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  describe('Node refuses these before any handler runs', () => {
    for (const [name, bytes, status] of NODE_REFUSES) {
      it(name, async () => {
        const before = reached;
        const res = await rawRequest(port, bytes);
        assert.equal(res.status, status, res.raw);
        assert.equal(reached, before, 'the handler must not have run');
      });
    }
  });

  describe('Node refuses these while reading the body', () => {
    for (const [name, bytes, ours] of NODE_REFUSES_IN_BODY) {
      it(name, async () => {
        const before = reached;
        lastVerdict = '';
        const res = await rawRequest(port, bytes);
        assert.equal(res.status, 400, res.raw);
        assert.equal(reached, before + 1, 'the head reached the handler');
        assert.equal(lastVerdict, ours);
      });
    }
  });

  describe('Node lets these through; our checks refuse them', () => {
    for (const [name, bytes, code] of WE_REFUSE) {
      it(name, async () => {
        const before = reached;
        const res = await rawRequest(port, bytes);
        assert.equal(reached, before + 1, 'Node handed the request to the handler');
        assert.equal(res.body, code, res.raw);
        assert.ok(res.status >= 400 && res.status < 500, res.raw);
      });
    }
  });

  describe('ordinary requests pass both', () => {
    for (const [name, bytes] of BOTH_ACCEPT) {
      it(name, async () => {
        const res = await rawRequest(port, bytes);
        assert.equal(res.status, 200, res.raw);
        assert.equal(res.body, 'ok');
      });
    }
  });

  it('CONNECT never reaches a request handler (Node drops it without a connect listener)', async () => {
    const before = reached;
    const res = await rawRequest(port, 'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n');
    assert.equal(res.status, 0);
    assert.equal(res.closedByServer, true);
    assert.equal(reached, before);
  });
});

describe('checkRequestHead without a socket', () => {
  const head = (httpVersion: string, headers: Record<string, string>, rawHeaders: string[] = []) =>
    ({ httpVersion, headers, rawHeaders }) as unknown as http.IncomingMessage;
  const code = (fn: () => void): string => {
    try {
      fn();
      return 'ok';
    } catch (e) {
      if (isChangegateError(e)) return e.code;
      throw e;
    }
  };

  it('refuses Content-Length with Transfer-Encoding even if the parser let it through', () => {
    assert.equal(code(() => checkRequestHead(head('1.1', { 'transfer-encoding': 'chunked', 'content-length': '3' }))), 'bad_request');
  });

  it('accepts chunked with surrounding whitespace and any case', () => {
    assert.equal(code(() => checkRequestHead(head('1.1', { 'transfer-encoding': ' Chunked ' }))), 'ok');
  });

  it('refuses an invalid Host without a socket too', () => {
    assert.equal(code(() => checkRequestHead(head('1.1', { host: 'evil.example/x' }))), 'bad_header');
    assert.equal(code(() => checkRequestHead(head('1.1', { host: 'Gate.Example.:8443' }))), 'ok');
  });

  it('finds duplicate singletons in rawHeaders only', () => {
    assert.equal(duplicateSingleton(['Host', 'a', 'Accept', 'x', 'Accept', 'y']), undefined);
    assert.equal(duplicateSingleton(['Host', 'a', 'Upgrade', 'websocket', 'UPGRADE', 'h2c']), 'upgrade');
    assert.equal(duplicateSingleton(['Proxy-Authorization', 'a', 'proxy-authorization', 'b']), 'proxy-authorization');
  });
});

describe('admitRequest and upstreamRequestHeaders', () => {
  const fake = (url: string, method: string, headers: Record<string, string>, peer = '203.0.113.9') =>
    ({ url, method, httpVersion: '1.1', headers, rawHeaders: Object.entries(headers).flat(), socket: { remoteAddress: peer } }) as unknown as http.IncomingMessage;
  const config = { trusted: TrustedProxies.parse(['10.0.0.0/8']), limits: LIMITS };

  it('admits and normalizes', () => {
    const a = admitRequest(fake('/a/./b//c?access_token=x&d=1', 'GET', { host: 'Gate.Example' }), config);
    assert.equal(a.kind, 'admitted');
    if (a.kind !== 'admitted') return;
    assert.deepEqual(a.target, { path: '/a/b/c', query: 'd=1' });
    assert.equal(a.client.host, 'gate.example');
    assert.equal(a.client.ip, '203.0.113.9');
  });

  it('gives a refused request an id too', () => {
    const a = admitRequest(fake('/a%5c', 'GET', { host: 'gate.example' }), config);
    assert.equal(a.kind, 'refused');
    assert.match(a.requestId, /^[0-9a-f-]{36}$/);
    if (a.kind === 'refused') assert.equal(a.error.code, 'bad_path');
  });

  it('answers OPTIONS * separately and refuses * for other methods', () => {
    assert.equal(admitRequest(fake('*', 'OPTIONS', { host: 'gate.example' }), config).kind, 'asterisk');
    assert.equal(admitRequest(fake('*', 'GET', { host: 'gate.example' }), config).kind, 'refused');
  });

  it('builds upstream headers: spoofs gone, ours set', () => {
    const req = fake('/', 'GET', {
      host: 'gate.example',
      'x-forwarded-for': '6.6.6.6',
      'x-forwarded-user': 'admin',
      x_forwarded_user: 'admin',
      'x-request-id': 'mine',
      forwarded: 'for=6.6.6.6',
      accept: '*/*',
    });
    const a = admitRequest(req, config);
    assert.equal(a.kind, 'admitted');
    if (a.kind !== 'admitted') return;
    assert.deepEqual(upstreamRequestHeaders(req, a.client, a.requestId), {
      host: 'gate.example',
      accept: '*/*',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'gate.example',
      'x-request-id': a.requestId,
    });
    assert.notEqual(a.requestId, 'mine');
  });
});

describe('lenientParserReason', () => {
  it('is quiet in a normal process and names the flag otherwise', () => {
    assert.equal(lenientParserReason(), undefined);
    assert.match(lenientParserReason(['--insecure-http-parser'], '') ?? '', /--insecure-http-parser/);
    assert.match(lenientParserReason([], '--max-old-space-size=100 --insecure-http-parser') ?? '', /NODE_OPTIONS/);
    assert.equal(lenientParserReason([], '--insecure-http-parser-not'), undefined);
  });
});
