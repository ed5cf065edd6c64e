import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChangegateError } from '../../src/errors.js';
import { hasEncodedSlash, isAsteriskForm, normalizeTarget } from '../../src/http/normalize.js';
import { isAccessTokenName } from '../../src/http/query.js';

const LIMITS = { maxUrlBytes: 8192 };

/** [raw target, expected path, expected query]. */
const ACCEPTED: ReadonlyArray<readonly [string, string, string]> = [
  // already normal (fast path)
  ['/', '/', ''],
  ['/a/b', '/a/b', ''],
  ['/a/b/', '/a/b/', ''],
  ['/changes/', '/changes/', ''],
  ['/a/changes/external%2Fbison~123/detail', '/a/changes/external%2Fbison~123/detail', ''],
  ['/c/project/+/123', '/c/project/+/123', ''],
  ["/x/!$&'()*+,=:@", "/x/!$&'()*+,=:@", ''],
  ['/.well-known/x', '/.well-known/x', ''],
  ['/a/.b/..c/...', '/a/.b/..c/...', ''],
  ['/dagster/graphql', '/dagster/graphql', ''],
  // merged slashes
  ['//a//b', '/a/b', ''],
  ['//', '/', ''],
  ['///', '/', ''],
  ['/a//', '/a/', ''],
  ['//evil.example/x', '/evil.example/x', ''],
  // dot segments, literal
  ['/a/./b/', '/a/b/', ''],
  ['/a/./b', '/a/b', ''],
  ['/a/b/../c', '/a/c', ''],
  ['/a/..', '/', ''],
  ['/a/.', '/a/', ''],
  ['/a/b/..', '/a/', ''],
  ['/..', '/', ''],
  ['/../../etc/passwd', '/etc/passwd', ''],
  ['/a/../../../b', '/b', ''],
  ['/./', '/', ''],
  ['/a/.//b', '/a/b', ''],
  // dot segments, encoded
  ['/a/%2e%2e/b', '/b', ''],
  ['/%2e%2E/', '/', ''],
  ['/%2E%2e/admin', '/admin', ''],
  ['/a/.%2e/b', '/b', ''],
  ['/a/%2e./b', '/b', ''],
  ['/a/%2e/b', '/a/b', ''],
  ['/dagster/%2e%2e/graphql', '/graphql', ''],
  ['/a/%2e%2e', '/', ''],
  // encoded slash stays inside its segment
  ['/a%2Fb/../c', '/c', ''],
  ['/a%2fb', '/a%2Fb', ''],
  ['/a/%2e%2e%2fb', '/a/..%2Fb', ''],
  ['/a/..%2F..%2Fb', '/a/..%2F..%2Fb', ''],
  ['/projects/external%2Fbison/branches', '/projects/external%2Fbison/branches', ''],
  // other reserved escapes are kept (hex upper-cased), never decoded twice
  ['/%252e%252e/', '/%252e%252e/', ''],
  ['/a%3fb', '/a%3Fb', ''],
  ['/a%23b', '/a%23b', ''],
  ['/a%25', '/a%25', ''],
  ['/%3A%40%21', '/%3A%40%21', ''],
  ['/%3b', '/%3B', ''],
  ['/a%252F..%252Fb', '/a%252F..%252Fb', ''],
  // unreserved escapes are decoded
  ['/%7euser', '/~user', ''],
  ['/%41%42%43', '/ABC', ''],
  ['/%61dmin', '/admin', ''],
  ['/a%2Db%5Fc%2E', '/a-b_c.', ''],
  ['/%30%39', '/09', ''],
  // unicode, percent-encoded and valid
  ['/caf%c3%a9', '/caf%C3%A9', ''],
  ['/%E2%82%AC', '/%E2%82%AC', ''],
  ['/%F0%9F%98%80', '/%F0%9F%98%80', ''],
  ['/%F4%8F%BF%BF', '/%F4%8F%BF%BF', ''],
  // lookalikes stay encoded and are never dot segments
  ['/%EF%BC%8E%EF%BC%8E/x', '/%EF%BC%8E%EF%BC%8E/x', ''],
  ['/%E2%80%A5/x', '/%E2%80%A5/x', ''],
  ['/%255c..%255c', '/%255c..%255c', ''],
  ['/a/%252F', '/a/%252F', ''],
  // printable ASCII outside pchar is encoded to one spelling
  ['/a|b', '/a%7Cb', ''],
  ['/a{b}', '/a%7Bb%7D', ''],
  ['/a"<>`^[]', '/a%22%3C%3E%60%5E%5B%5D', ''],
  // query kept raw
  ['/a?b=1&c=%2f', '/a', 'b=1&c=%2f'],
  ['/a?', '/a', ''],
  ['/a?q=status:merged+mergedafter:%222026%22', '/a', 'q=status:merged+mergedafter:%222026%22'],
  ['/dagster/graphql?query=%7B%0A%20x%7D', '/dagster/graphql', 'query=%7B%0A%20x%7D'],
  ['/a?x=..%2F..', '/a', 'x=..%2F..'],
  ['/a?b?c', '/a', 'b?c'],
  ['/a/../b?c=/../d', '/b', 'c=/../d'],
  // access_token removed in every spelling
  ['/a?access_token=s3cret', '/a', ''],
  ['/a?access_token=s3cret&b=2', '/a', 'b=2'],
  ['/a?b=1&access_token=s3cret', '/a', 'b=1'],
  ['/a?b=1&access_token=x&c=3', '/a', 'b=1&c=3'],
  ['/a?ACCESS_TOKEN=x', '/a', ''],
  ['/a?Access_Token=x', '/a', ''],
  ['/a?access%5Ftoken=x', '/a', ''],
  ['/a?access%5ftoken=x', '/a', ''],
  ['/a?%61ccess_token=x', '/a', ''],
  ['/a?%61%63%63%65%73%73%5f%74%6f%6b%65%6e=x', '/a', ''],
  ['/a?access%255Ftoken=x', '/a', ''],
  ['/a?access_token[]=x', '/a', ''],
  ['/a?access_token%5B%5D=x', '/a', ''],
  ['/a?access_token[0]=x', '/a', ''],
  ['/a?access-token=x', '/a', ''],
  ['/a?access_token', '/a', ''],
  ['/a?access_token=', '/a', ''],
  ['/a?+access_token+=x', '/a', ''],
  ['/a?access_token=1&access_token=2', '/a', ''],
  ['/a?x=1;access_token=2&y=3', '/a', 'y=3'],
  ['/a?access_tokens=x&my_access_token=y&token=z', '/a', 'access_tokens=x&my_access_token=y&token=z'],
  ['/a?q=access_token', '/a', 'q=access_token'],
  ['/a?&&b', '/a', '&&b'],
  ['/a?b=1&amp;access_token=x', '/a', 'b=1'],
  ['/a?b=%23frag&c=%3F', '/a', 'b=%23frag&c=%3F'],
];

/** [raw target, error code]. */
const REJECTED: ReadonlyArray<readonly [string, string]> = [
  // forms
  ['http://evil/a', 'bad_path'],
  ['HTTPS://evil/a', 'bad_path'],
  ['evil.example:443', 'bad_path'],
  ['*', 'bad_path'],
  ['', 'bad_path'],
  ['a/b', 'bad_path'],
  ['\\a', 'bad_path'],
  // fragments
  ['/a#b', 'bad_path'],
  ['/a?b#c', 'bad_path'],
  // backslashes
  ['/a%5c..%5cb', 'bad_path'],
  ['/a%5C', 'bad_path'],
  ['/a\\..\\b', 'bad_path'],
  ['/a/..\\', 'bad_path'],
  // NUL and controls, raw and encoded
  ['/a/%00', 'bad_path'],
  ['/a%00.html', 'bad_path'],
  ['/a%0A', 'bad_path'],
  ['/a%0d%0aSet-Cookie:x', 'bad_path'],
  ['/a%1F', 'bad_path'],
  ['/a%7F', 'bad_path'],
  ['/a%09', 'bad_path'],
  ['/a\u0000', 'bad_path'],
  ['/a\tb', 'bad_path'],
  ['/a b', 'bad_path'],
  ['/a\u007f', 'bad_path'],
  ['/a?b=\u0001', 'bad_path'],
  ['/a?b= c', 'bad_path'],
  // raw non-ASCII (Node hands it over as latin1) and real unicode strings
  ['/caf\u00c3\u00a9', 'bad_path'],
  ['/café', 'bad_path'],
  ['/\u2025', 'bad_path'],
  ['/a?b=é', 'bad_path'],
  // invalid UTF-8 after decoding
  ['/%C0%AE', 'bad_path'],
  ['/%C0%80', 'bad_path'],
  ['/..%00/', 'bad_path'],
  ['/%2e%2e%5c', 'bad_path'],
  ['http:/x', 'bad_path'],
  ['/%C0%AE%C0%AE/', 'bad_path'],
  ['/%C0%AF', 'bad_path'],
  ['/%E0%80%AE', 'bad_path'],
  ['/%F0%80%80%AE', 'bad_path'],
  ['/%C1%9C', 'bad_path'],
  ['/%ED%A0%80', 'bad_path'],
  ['/%F4%90%80%80', 'bad_path'],
  ['/%F5%80%80%80', 'bad_path'],
  ['/%FF', 'bad_path'],
  ['/%80', 'bad_path'],
  ['/%C3', 'bad_path'],
  ['/%C3/%A9', 'bad_path'],
  ['/%E2%82', 'bad_path'],
  ['/%C3%2F', 'bad_path'],
  // malformed escapes
  ['/%G1', 'bad_path'],
  ['/%4', 'bad_path'],
  ['/a%', 'bad_path'],
  ['/%%30%30', 'bad_path'],
  ['/%u002e%u002e/', 'bad_path'],
  ['/%2', 'bad_path'],
  ['/a?b=%G1', 'bad_path'],
  ['/a?b=%4', 'bad_path'],
  ['/a?b=%', 'bad_path'],
  // path parameters (servlet containers strip ;params)
  ['/changes;x/1/submit', 'bad_path'],
  ['/a/..;/b', 'bad_path'],
  ['/a;jsessionid=1', 'bad_path'],
];

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ChangegateError) return e.code;
    throw e;
  }
  return 'accepted';
}

describe('normalizeTarget: accepted targets', () => {
  for (const [raw, path, query] of ACCEPTED) {
    it(`${JSON.stringify(raw)} -> ${path}${query === '' ? '' : '?' + query}`, () => {
      assert.deepEqual(normalizeTarget(raw, LIMITS), { path, query });
    });
  }
});

describe('normalizeTarget: rejected targets', () => {
  for (const [raw, code] of REJECTED) {
    it(`${JSON.stringify(raw)} -> ${code}`, () => {
      assert.equal(codeOf(() => normalizeTarget(raw, LIMITS)), code);
    });
  }
});

describe('normalizeTarget: properties', () => {
  it('is idempotent on every accepted vector', () => {
    for (const [raw] of ACCEPTED) {
      const once = normalizeTarget(raw, LIMITS);
      const target = once.query === '' ? once.path : `${once.path}?${once.query}`;
      assert.deepEqual(normalizeTarget(target, LIMITS), once, raw);
    }
  });

  it('never yields a dot segment, an empty segment or a leading //', () => {
    for (const [raw] of ACCEPTED) {
      const { path } = normalizeTarget(raw, LIMITS);
      assert.ok(path.startsWith('/') && !path.startsWith('//'), path);
      const inner = path.slice(1, path.endsWith('/') ? -1 : undefined);
      if (inner === '') continue;
      for (const seg of inner.split('/')) assert.ok(seg !== '' && seg !== '.' && seg !== '..', `${raw} -> ${path}`);
    }
  });

  it('rejects targets over the limit with 414 and accepts one at the limit', () => {
    const at = '/' + 'a'.repeat(99);
    assert.equal(normalizeTarget(at, { maxUrlBytes: 100 }).path, at);
    const err = (() => {
      try {
        normalizeTarget(at + 'a', { maxUrlBytes: 100 });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof ChangegateError);
    assert.equal(err.code, 'uri_too_long');
    assert.equal(err.status, 414);
  });

  it('counts the query towards the limit', () => {
    assert.equal(codeOf(() => normalizeTarget('/a?' + 'b'.repeat(100), { maxUrlBytes: 50 })), 'uri_too_long');
  });

  it('brute-forces every two-character escape pair into a dot segment without climbing above the root', () => {
    const dots = ['.', '%2e', '%2E'];
    for (const a of dots) {
      for (const b of dots) {
        assert.equal(normalizeTarget(`/x/${a}${b}/y`, LIMITS).path, '/y', `${a}${b}`);
        assert.equal(normalizeTarget(`/${a}${b}/${a}${b}/y`, LIMITS).path, '/y', `${a}${b}`);
      }
    }
  });

  it('refuses every encoded control octet in the path and accepts every encoded printable one', () => {
    for (let b = 0; b < 128; b++) {
      const hex = b.toString(16).padStart(2, '0');
      const code = codeOf(() => normalizeTarget(`/x%${hex}y`, LIMITS));
      const expectRejected = b < 0x20 || b === 0x7f || b === 0x5c;
      assert.equal(code, expectRejected ? 'bad_path' : 'accepted', `%${hex}`);
    }
  });

  it('decodes exactly the unreserved octets', () => {
    for (let b = 0x20; b < 0x7f; b++) {
      if (b === 0x5c) continue;
      const hex = b.toString(16).toUpperCase().padStart(2, '0');
      const { path } = normalizeTarget(`/x%${hex}y`, LIMITS);
      const unreserved = /[A-Za-z0-9._~-]/.test(String.fromCharCode(b));
      assert.equal(path, unreserved ? `/x${String.fromCharCode(b)}y` : `/x%${hex}y`, `%${hex}`);
    }
  });
});

describe('helpers', () => {
  it('isAsteriskForm is only for a bare *', () => {
    assert.equal(isAsteriskForm('*'), true);
    assert.equal(isAsteriskForm('/*'), false);
    assert.equal(isAsteriskForm('**'), false);
  });

  it('hasEncodedSlash sees %2F in a normalized path only', () => {
    assert.equal(hasEncodedSlash(normalizeTarget('/a%2fb', LIMITS).path), true);
    assert.equal(hasEncodedSlash(normalizeTarget('/a%252fb', LIMITS).path), false);
    assert.equal(hasEncodedSlash(normalizeTarget('/a/b', LIMITS).path), false);
  });

  it('isAccessTokenName folds case, escapes, - and [] but not other names', () => {
    for (const n of ['access_token', 'ACCESS_TOKEN', 'access-token', 'access%5Ftoken', 'access_token[]', ' access_token']) {
      assert.equal(isAccessTokenName(n), true, n);
    }
    for (const n of ['access_tokens', 'xaccess_token', 'token', 'access', 'accesstoken', 'access token']) {
      assert.equal(isAccessTokenName(n), false, n);
    }
  });
});

/** The rules of normalize.ts written the slow, obvious way, to compare against. */
function reference(path: string): string {
  const stack: string[] = [];
  const segments = path.split('/').slice(1);
  let trailing = false;
  for (const raw of segments) {
    const seg = raw
      .replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
        const ch = String.fromCharCode(parseInt(hex, 16));
        return /[A-Za-z0-9._~-]/.test(ch) ? ch : `%${hex.toUpperCase()}`;
      })
      .replace(/["<>[\]^`{|}]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
    trailing = seg === '' || seg === '.' || seg === '..';
    if (seg === '..') stack.pop();
    else if (!trailing) stack.push(seg);
  }
  if (stack.length === 0) return '/';
  return '/' + stack.join('/') + (trailing ? '/' : '');
}

describe('normalizeTarget against a reference implementation', () => {
  const TOKENS = ['a', 'B', 'z9', '~', '-', '_', '.', '..', '/', '//', '/./', '/../', '%2e', '%2E', '%2f', '%2F', '%41', '%7e', '%25', '%252e', '|', '{', '%c3%a9', '%E2%82%AC', '%3A', '%3a', '!', '+', '@', ':', '='];
  // A small deterministic PRNG (mulberry32) so a failure names a reproducible case.
  let seed = 0x5eed;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  it('agrees on 5000 random paths built from tricky tokens (fast and slow path alike)', () => {
    for (let n = 0; n < 5000; n++) {
      let path = '/';
      const length = 1 + Math.floor(random() * 12);
      for (let k = 0; k < length; k++) path += TOKENS[Math.floor(random() * TOKENS.length)]!;
      const got = normalizeTarget(path, LIMITS).path;
      assert.equal(got, reference(path), path);
      assert.equal(normalizeTarget(got, LIMITS).path, got, `idempotent: ${path}`);
    }
  });
});
