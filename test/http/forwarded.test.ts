import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChangegateError } from '../../src/errors.js';
import { clientInfo, forwardedHeaders, type ClientRequest, type ForwardedClientInfo } from '../../src/http/forwarded.js';
import { canonicalHost } from '../../src/http/host.js';
import { canonicalIp } from '../../src/http/ip.js';
import { acceptedRequestId, requestId } from '../../src/http/request-id.js';
import { TrustedProxies } from '../../src/http/trusted-proxies.js';
import { buildRequest, rawRequest } from '../fakes/raw-http.js';

/** A request as clientInfo reads it: headers as Node lower-cases them, and the socket peer. */
function request(peer: string, headers: Record<string, string> = {}, encrypted = false): ClientRequest {
  return { headers: { host: 'gate.example', ...headers }, socket: { remoteAddress: peer, encrypted } } as unknown as ClientRequest;
}

describe('canonicalIp', () => {
  const cases: ReadonlyArray<readonly [string, string | undefined]> = [
    ['10.0.0.1', '10.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
    ['::ffff:a00:1', '10.0.0.1'],
    ['0:0:0:0:0:ffff:10.0.0.1', '10.0.0.1'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['fe80::', 'fe80::'],
    ['::', '::'],
    ['1::2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['010.0.0.1', undefined],
    ['10.0.0', undefined],
    ['10.0.0.256', undefined],
    ['1.2.3.4.5', undefined],
    ['fe80::1%eth0', undefined],
    ['1:::2', undefined],
    ['1::2::3', undefined],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['1:2:3:4:5:6:7', undefined],
    ['12345::', undefined],
    ['::ffff:1.2.3', undefined],
    ['unknown', undefined],
    ['', undefined],
    ['[::1]', undefined],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} -> ${want ?? 'invalid'}`, () => assert.equal(canonicalIp(input), want));
  }
});

describe('TrustedProxies', () => {
  const trusted = TrustedProxies.parse(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '2001:db8::1/128', '::ffff:172.16.0.0/108']);
  const cases: ReadonlyArray<readonly [string, boolean]> = [
    ['10.0.0.1', true],
    ['10.255.255.255', true],
    ['11.0.0.1', false],
    ['9.255.255.255', false],
    ['::ffff:10.0.0.1', true],
    ['::ffff:11.0.0.1', false],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['::ffff:192.168.1.7', true],
    ['fd12:3456::1', true],
    ['fe00::1', false],
    ['2001:db8::1', true],
    ['2001:db8::2', false],
    ['172.16.5.5', true],
    ['172.32.0.1', false],
    ['::a00:1', false], // IPv4-compatible (deprecated) is not IPv4-mapped
    ['not an ip', false],
  ];
  for (const [ip, want] of cases) it(`${ip} -> ${want}`, () => assert.equal(trusted.contains(ip), want));

  it('trusts nobody when empty, and is cheap about it', () => {
    assert.equal(TrustedProxies.parse([]).empty, true);
    assert.equal(TrustedProxies.parse([]).contains('10.0.0.1'), false);
    assert.equal(TrustedProxies.none.contains('127.0.0.1'), false);
  });

  it('0.0.0.0/0 covers all of IPv4 (mapped too) but not IPv6', () => {
    const all4 = TrustedProxies.parse(['0.0.0.0/0']);
    assert.equal(all4.contains('1.2.3.4'), true);
    assert.equal(all4.contains('::ffff:1.2.3.4'), true);
    assert.equal(all4.contains('::1'), false);
  });

  it('rejects malformed ranges', () => {
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/x', 'host.example', '10.0.0.0/8/8', '']) {
      assert.throws(() => TrustedProxies.parse([bad]), TypeError, bad);
    }
  });
});

describe('canonicalHost', () => {
  const cases: ReadonlyArray<readonly [string, string | undefined]> = [
    ['gerrit.example.com', 'gerrit.example.com'],
    ['Gerrit.Example.COM', 'gerrit.example.com'],
    ['gerrit.example.com.', 'gerrit.example.com'],
    ['gerrit.example.com.:8080', 'gerrit.example.com:8080'],
    ['127.0.0.1:8080', '127.0.0.1:8080'],
    ['[::1]:8080', '[::1]:8080'],
    ['[::1]', '[::1]'],
    ['my_host', 'my_host'],
    ['a b', undefined],
    ['a/b', undefined],
    ['user@host', undefined],
    ['host:', undefined],
    ['host:99999', undefined],
    ['host:80:80', undefined],
    ['[::1', undefined],
    ['[1.2.3.4]', undefined],
    ['[zz::1]', undefined],
    ['a..b', undefined],
    ['.', undefined],
    ['', undefined],
    ['-x', undefined],
    ['host\\x', undefined],
  ];
  for (const [input, want] of cases) it(`${JSON.stringify(input)} -> ${want ?? 'invalid'}`, () => assert.equal(canonicalHost(input), want));
});

describe('clientInfo', () => {
  const none = TrustedProxies.none;
  const lb = TrustedProxies.parse(['10.0.0.0/8']);
  const spoof = { 'x-forwarded-for': '1.1.1.1', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' };

  it('an untrusted peer is the client, whatever it claims', () => {
    const info = clientInfo(request('203.0.113.9', spoof), none);
    assert.deepEqual(
      { ip: info.ip, proto: info.proto, host: info.host, forwardedFor: info.forwardedFor },
      { ip: '203.0.113.9', proto: 'http', host: 'gate.example', forwardedFor: '203.0.113.9' },
    );
  });

  it('a peer outside the trusted ranges is untrusted even when others are trusted', () => {
    const info = clientInfo(request('11.0.0.1', spoof), lb);
    assert.equal(info.ip, '11.0.0.1');
    assert.equal(info.peerTrusted, false);
    assert.equal(info.host, 'gate.example');
  });

  it('walks X-Forwarded-For right to left past trusted hops', () => {
    const info = clientInfo(request('10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.0.0.9' }), lb);
    assert.equal(info.ip, '198.51.100.7');
    assert.equal(info.forwardedFor, '198.51.100.7, 10.0.0.9, 10.0.0.2');
  });

  it('takes the leftmost entry when every hop is trusted', () => {
    const info = clientInfo(request('10.0.0.2', { 'x-forwarded-for': '10.1.1.1, 10.0.0.9' }), lb);
    assert.equal(info.ip, '10.1.1.1');
  });

  it('uses the peer when a trusted proxy sent no X-Forwarded-For', () => {
    assert.equal(clientInfo(request('10.0.0.2'), lb).ip, '10.0.0.2');
  });

  it('accepts a trusted IPv4-mapped peer and canonicalises addresses', () => {
    const info = clientInfo(request('::ffff:10.0.0.2', { 'x-forwarded-for': '[2001:DB8::7]:443, ::ffff:198.51.100.7' }), lb);
    assert.equal(info.peer, '10.0.0.2');
    assert.equal(info.ip, '198.51.100.7');
    const v6 = clientInfo(request('::ffff:10.0.0.2', { 'x-forwarded-for': '[2001:DB8::7]:443' }), lb);
    assert.equal(v6.ip, '2001:db8::7');
    const port = clientInfo(request('10.0.0.2', { 'x-forwarded-for': '198.51.100.7:5555' }), lb);
    assert.equal(port.ip, '198.51.100.7');
  });

  it('refuses a malformed entry reached while walking from a trusted peer', () => {
    for (const xff of ['unknown', '1.2.3.4, garbage', '1.2.3', '[::1', 'a, ,b', `${'10.0.0.1,'.repeat(40)}10.0.0.1`]) {
      assert.throws(() => clientInfo(request('10.0.0.2', { 'x-forwarded-for': xff }), lb), (e: unknown) => e instanceof ChangegateError && e.code === 'bad_header', xff);
    }
  });

  it('does not look past the first untrusted entry, so garbage left of it is harmless', () => {
    assert.equal(clientInfo(request('10.0.0.2', { 'x-forwarded-for': 'garbage, 198.51.100.7' }), lb).ip, '198.51.100.7');
  });

  it('reads proto and host from a trusted peer, rightmost value, validated', () => {
    const info = clientInfo(request('10.0.0.2', { 'x-forwarded-proto': 'http, HTTPS', 'x-forwarded-host': 'x.example, Public.Example:443' }), lb);
    assert.equal(info.proto, 'https');
    assert.equal(info.host, 'public.example:443');
    const bad = clientInfo(request('10.0.0.2', { 'x-forwarded-proto': 'gopher', 'x-forwarded-host': 'a b' }), lb);
    assert.equal(bad.proto, 'http');
    assert.equal(bad.host, 'gate.example');
  });

  it('reports https from a TLS socket', () => {
    assert.equal(clientInfo(request('203.0.113.9', {}, true), none).proto, 'https');
  });

  it('never throws on a bad Host (checkRequestHead refuses it) and tolerates a missing one', () => {
    assert.equal(clientInfo(request('203.0.113.9', { host: 'a b/c' }), none).host, '');
    const noHost = { headers: {}, socket: { remoteAddress: '203.0.113.9' } } as unknown as ClientRequest;
    assert.equal(clientInfo(noHost, none).host, '');
  });

  it('caps the user agent', () => {
    assert.equal(clientInfo(request('203.0.113.9', { 'user-agent': 'x'.repeat(5000) }), none).userAgent.length, 512);
  });

  it('forwardedHeaders puts our client first', () => {
    const info = clientInfo(request('10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 198.51.100.7', 'x-forwarded-proto': 'https' }), lb);
    assert.deepEqual(forwardedHeaders(info), { 'x-forwarded-for': '198.51.100.7, 10.0.0.2', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gate.example' });
  });
});

describe('requestId', () => {
  const lb = TrustedProxies.parse(['10.0.0.0/8']);
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('generates a fresh UUID for an untrusted peer, ignoring its id', () => {
    const id = requestId(request('203.0.113.9', { 'x-request-id': 'abc-123' }), lb);
    assert.match(id, uuid);
    assert.notEqual(requestId(request('203.0.113.9'), TrustedProxies.none), requestId(request('203.0.113.9'), TrustedProxies.none));
  });

  it('keeps a well-formed id from a trusted proxy', () => {
    assert.equal(requestId(request('10.0.0.2', { 'x-request-id': 'lb-7f3a:9.1_x' }), lb), 'lb-7f3a:9.1_x');
  });

  it('replaces a malformed id even from a trusted proxy', () => {
    for (const bad of ['', ' x', 'a b', 'a,b', 'a, b', '-lead', 'x'.repeat(129), 'a\u0000', 'é', '<script>', 'a;b', 'a"b', 'a\\b']) {
      assert.match(acceptedRequestId(bad, true), uuid, JSON.stringify(bad));
    }
    assert.match(acceptedRequestId(['a', 'b'], true), uuid);
    assert.equal(acceptedRequestId('x'.repeat(128), true), 'x'.repeat(128));
  });
});

describe('clientInfo on real sockets', () => {
  let server: http.Server;
  let port = 0;
  let trusted = TrustedProxies.none;
  let last: ForwardedClientInfo | undefined;

  before(async () => {
    server = http.createServer((req, res) => {
      last = clientInfo(req, trusted);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const spoofed = buildRequest('GET / HTTP/1.1', ['Host: gate.example', 'Connection: close', 'X-Forwarded-For: 6.6.6.6', 'X-Forwarded-For: 198.51.100.7', 'X-Forwarded-Proto: https', '']);

  it('loopback is not trusted by default', async () => {
    trusted = TrustedProxies.none;
    assert.equal((await rawRequest(port, spoofed)).status, 200);
    assert.equal(last?.ip, '127.0.0.1');
    assert.equal(last?.proto, 'http');
  });

  it('a trusted loopback peer is walked past, across repeated header lines', async () => {
    trusted = TrustedProxies.parse(['127.0.0.0/8']);
    assert.equal((await rawRequest(port, spoofed)).status, 200);
    assert.equal(last?.ip, '198.51.100.7');
    assert.equal(last?.proto, 'https');
    assert.equal(last?.forwardedFor, '198.51.100.7, 127.0.0.1');
  });
});
