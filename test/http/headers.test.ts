import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderPolicy, stripHopByHop, stripIdentityHeaders, upstreamHeaders, upstreamRawHeaders } from '../../src/http/headers.js';
import { canonicalHeaderName } from '../../src/http/header-names.js';
import { buildRequest, rawRequest } from '../fakes/raw-http.js';

const POLICY = new HeaderPolicy({ identityHeaders: ['X-Gerrit-User'] });

const IDENTITY_NAMES = [
  'X-Forwarded-User',
  'X-Forwarded-Email',
  'X-Forwarded-Groups',
  'X-Forwarded-Preferred-Username',
  'X-Forwarded-Access-Token',
  'X-Changegate-Assertion',
  'X-Changegate-Roles',
  'X-Changegate-Anything-New',
  'X-Gerrit-RunAs',
  'X-Remote-User',
  'Remote-User',
  'X-Auth-Request-User',
  'X-Auth-Request-Email',
  'X-Auth-Request-Access-Token',
  'X-Gerrit-User', // configured
];

const FORWARDING_NAMES = [
  'X-Forwarded-For',
  'X-Forwarded-Proto',
  'X-Forwarded-Host',
  'X-Forwarded-Port',
  'X-Forwarded-Prefix',
  'X-Forwarded-Uri',
  'Forwarded',
  'X-Real-IP',
  'True-Client-IP',
  'CF-Connecting-IP',
  'X-Client-IP',
  'X-Original-URL',
  'X-Rewrite-URL',
  'X-HTTP-Method-Override',
  'X-Method-Override',
  'X-Request-Id',
];

const HOP_BY_HOP_NAMES = ['Connection', 'Keep-Alive', 'TE', 'Trailer', 'Transfer-Encoding', 'Upgrade', 'Proxy-Authorization', 'Proxy-Connection', 'HTTP2-Settings'];

const BENIGN: Record<string, string> = {
  host: 'gerrit.example',
  accept: 'application/json',
  'content-type': 'application/json',
  'content-length': '2',
  cookie: 'a=b',
  'user-agent': 'git/2.45',
  'x-gerrit-auth': 'xsrf',
  'x-custom': 'yes',
  'x-forwardedfor': 'not the same name',
  'remote-username': 'not an identity name',
};

/** Every spelling a client might use: case, `_` for `-`, mixed. */
function spellings(name: string): string[] {
  const lower = name.toLowerCase();
  const parts = lower.split('-');
  const mixed = parts.map((p, i) => (i % 2 === 0 ? p.toUpperCase() : p)).join('-');
  const out = new Set([name, lower, name.toUpperCase(), mixed, lower.replace(/-/g, '_'), name.replace(/-/g, '_'), name.toUpperCase().replace(/-/g, '_')]);
  if (parts.length > 2) out.add(parts.map((p, i) => (i === parts.length - 1 ? p : p + (i % 2 === 0 ? '_' : '-'))).join(''));
  if (parts.length > 1) out.add(parts.slice(0, -1).join('-') + '_' + parts[parts.length - 1]);
  return [...out];
}

/** req.headers as Node builds it: lower-cased names. */
function asNodeHeaders(pairs: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [n, v] of pairs) {
    const k = n.toLowerCase();
    out[k] = out[k] === undefined ? v : `${out[k]}, ${v}`;
  }
  return out;
}

describe('stripIdentityHeaders and upstreamHeaders: spoofed identity variants', () => {
  for (const name of IDENTITY_NAMES) {
    const variants = spellings(name);
    it(`${name}: ${variants.length} spellings, all copies removed`, () => {
      const pairs: Array<readonly [string, string]> = [...variants.map((v) => [v, 'admin'] as const), ...Object.entries(BENIGN)];
      const headers = asNodeHeaders([...pairs, [variants[0]!, 'second copy']]);
      for (const out of [stripIdentityHeaders(headers, POLICY), upstreamHeaders(headers, POLICY)]) {
        for (const key of Object.keys(out)) assert.notEqual(canonicalHeaderName(key), name.toLowerCase(), key);
        for (const [k, v] of Object.entries(BENIGN)) assert.equal(out[k], v, k);
      }
      const raw = upstreamRawHeaders(pairs.flat(), POLICY);
      for (let i = 0; i < raw.length; i += 2) assert.notEqual(canonicalHeaderName(raw[i]!), name.toLowerCase(), raw[i]);
      assert.equal(raw.length, Object.keys(BENIGN).length * 2);
    });
  }

  it('strips the configured name only when configured', () => {
    assert.equal(stripIdentityHeaders({ 'x-gerrit-user': 'a' })['x-gerrit-user'], 'a');
    assert.equal(stripIdentityHeaders({ 'x-gerrit-user': 'a' }, POLICY)['x-gerrit-user'], undefined);
    assert.equal(stripIdentityHeaders({ x_gerrit_user: 'a' }, new HeaderPolicy({ identityHeaders: ['X-Gerrit-User'], dropUnderscoreNames: false }))['x_gerrit_user'], undefined);
  });

  it('drops other underscore names by default, keeps them when told', () => {
    assert.deepEqual(upstreamHeaders({ x_custom: '1', 'x-custom': '2' }), { 'x-custom': '2' });
    assert.deepEqual(upstreamHeaders({ x_custom: '1' }, new HeaderPolicy({ dropUnderscoreNames: false })), { x_custom: '1' });
  });

  it('leaves forwarding headers to upstreamHeaders (stripIdentityHeaders keeps X-Forwarded-For)', () => {
    assert.equal(stripIdentityHeaders({ 'x-forwarded-for': '1.2.3.4' })['x-forwarded-for'], '1.2.3.4');
  });
});

describe('credentials for the proxy', () => {
  it('strips Authorization in every spelling unless told to forward it', () => {
    for (const v of spellings('Authorization')) {
      assert.deepEqual(upstreamHeaders(asNodeHeaders([[v, 'Bearer t'], ['accept', '*/*']])), { accept: '*/*' }, v);
    }
    assert.deepEqual(upstreamHeaders({ authorization: 'Basic x' }, new HeaderPolicy({ forwardAuthorization: true })), { authorization: 'Basic x' });
    assert.deepEqual(upstreamRawHeaders(['Authorization', 'Bearer t', 'Accept', '*/*']), ['Accept', '*/*']);
  });

  it('removes the proxy cookies from Cookie and keeps the rest in order', () => {
    const policy = new HeaderPolicy({ dropCookie: (name) => name === '__Host-changegate' || name === 'cg_csrf' });
    const cases: ReadonlyArray<readonly [string, string | undefined]> = [
      ['GerritAccount=a; __Host-changegate=s3cret; XSRF_TOKEN=x', 'GerritAccount=a; XSRF_TOKEN=x'],
      ['__Host-changegate=s3cret', undefined],
      ['__Host-changegate=1; __Host-changegate=2;cg_csrf=3', undefined],
      ['a=1;b=2', 'a=1;b=2'],
      [' __Host-changegate = s ; a=1', 'a=1'],
      ['__host-changegate=other-case-is-another-cookie', '__host-changegate=other-case-is-another-cookie'],
      ['x=__Host-changegate=1', 'x=__Host-changegate=1'],
    ];
    for (const [cookie, want] of cases) {
      assert.deepEqual(upstreamHeaders({ cookie }, policy), want === undefined ? {} : { cookie: want }, cookie);
      assert.deepEqual(upstreamRawHeaders(['Cookie', cookie], policy), want === undefined ? [] : ['Cookie', want], cookie);
    }
    assert.deepEqual(upstreamHeaders({ cookie: 'a=1; __Host-changegate=s' }), { cookie: 'a=1; __Host-changegate=s' });
  });
});

describe('upstreamHeaders: forwarding, override and request-id headers', () => {
  for (const name of FORWARDING_NAMES) {
    it(`${name} (every spelling) never goes upstream`, () => {
      const pairs = spellings(name).map((v) => [v, '6.6.6.6'] as const);
      const out = upstreamHeaders(asNodeHeaders([...pairs, ['accept', '*/*']]), POLICY);
      assert.deepEqual(out, { accept: '*/*' });
      assert.deepEqual(upstreamRawHeaders([...pairs.flat(), 'Accept', '*/*'], POLICY), ['Accept', '*/*']);
    });
  }
});

describe('stripHopByHop', () => {
  for (const name of HOP_BY_HOP_NAMES) {
    it(`removes ${name} in any case`, () => {
      for (const v of spellings(name)) {
        const out = stripHopByHop(asNodeHeaders([[v, 'x'], ['accept', '*/*']]));
        assert.deepEqual(out, { accept: '*/*' }, v);
      }
    });
  }

  it('removes the headers Connection names, in any case and spelling', () => {
    const headers = { connection: 'keep-alive, X-Foo, x_bar ,  X-Baz', 'x-foo': '1', 'x-bar': '2', 'x-baz': '3', 'x-keep': '4' };
    assert.deepEqual(stripHopByHop(headers), { 'x-keep': '4' });
    assert.deepEqual(upstreamHeaders(headers), { 'x-keep': '4' });
  });

  it('reads every Connection copy in rawHeaders', () => {
    const raw = ['Connection', 'x-a', 'connection', 'X-B', 'X-A', '1', 'X-B', '2', 'X-C', '3'];
    assert.deepEqual(upstreamRawHeaders(raw), ['X-C', '3']);
  });

  it('does not let Connection remove headers that classification and policy read', () => {
    const headers = {
      connection: 'host, content-type, content-length, authorization, cookie, content-encoding, close',
      host: 'h',
      'content-type': 'application/json',
      'content-length': '2',
      authorization: 'Bearer t',
      cookie: 'c=1',
      'content-encoding': 'gzip',
    };
    const { connection: _c, ...rest } = headers;
    assert.deepEqual(stripHopByHop(headers), rest);
    assert.deepEqual(upstreamHeaders(headers, new HeaderPolicy({ forwardAuthorization: true })), rest);
  });

  it('keeps Upgrade for a WebSocket handshake when asked, even if Connection names it', () => {
    const headers = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'k' };
    assert.deepEqual(stripHopByHop(headers, { keepUpgrade: true }), { upgrade: 'websocket', 'sec-websocket-key': 'k' });
    assert.deepEqual(upstreamHeaders(headers, POLICY, { keepUpgrade: true }), { upgrade: 'websocket', 'sec-websocket-key': 'k' });
    assert.deepEqual(upstreamRawHeaders(['Connection', 'Upgrade', 'Upgrade', 'websocket'], POLICY, { keepUpgrade: true }), ['Upgrade', 'websocket']);
    assert.deepEqual(upstreamHeaders(headers, POLICY), { 'sec-websocket-key': 'k' });
  });

  it('passes array values through and stringifies numbers', () => {
    assert.deepEqual(upstreamHeaders({ 'x-a': ['1', '2'], 'content-length': 5 }), { 'x-a': ['1', '2'], 'content-length': '5' });
  });
});

describe('against a real Node parser', () => {
  let server: http.Server;
  let port = 0;
  let seen: { headers: http.IncomingHttpHeaders; rawHeaders: string[] } | undefined;

  before(async () => {
    server = http.createServer((req, res) => {
      seen = { headers: req.headers, rawHeaders: req.rawHeaders };
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('Node keeps underscore names as sent (so stripping must fold them)', async () => {
    const res = await rawRequest(port, buildRequest('GET / HTTP/1.1', ['Host: x', 'Connection: close', 'X_Forwarded_User: admin', '']));
    assert.equal(res.status, 200);
    assert.equal(seen?.headers['x_forwarded_user'], 'admin');
  });

  it('every spoofed identity and forwarding spelling is gone after stripping, from both views', async () => {
    const lines = [...IDENTITY_NAMES, ...FORWARDING_NAMES].flatMap((n) => spellings(n).map((v) => `${v}: spoof`));
    const res = await rawRequest(port, buildRequest('GET / HTTP/1.1', ['Host: x', 'Connection: close, X-Drop', 'X-Drop: 1', 'Accept: */*', ...lines, '']));
    assert.equal(res.status, 200);
    assert.ok(seen !== undefined);
    assert.ok(seen.rawHeaders.length > lines.length * 2, 'Node delivered every copy');
    assert.deepEqual(upstreamHeaders(seen.headers, POLICY), { host: 'x', accept: '*/*' });
    assert.deepEqual(upstreamRawHeaders(seen.rawHeaders, POLICY), ['Host', 'x', 'Accept', '*/*']);
  });
});
