import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeReturnPath } from '../../src/auth/redirect.js';

// [note, input, expected]. `null` expected means "rejected": the fallback '/' comes back.
const VECTORS: ReadonlyArray<readonly [string, unknown, string | null]> = [
  ['plain path', '/dashboard', '/dashboard'],
  ['root', '/', '/'],
  ['path with query', '/c/project/+/123?tab=files', '/c/project/+/123?tab=files'],
  ['dagster prefix', '/dagster/runs', '/dagster/runs'],
  ['encoded slash stays in segment', '/c/external%2Fbison/+/1', '/c/external%2Fbison/+/1'],
  ['encoded space', '/q/a%20b', '/q/a%20b'],
  ['at sign is a path segment here', '/@evil.com', '/@evil.com'],
  ['dot segments resolve to a local path', '/a/b/../c', '/a/c'],
  ['dot segments above root stay local', '/../../etc', '/etc'],
  ['fragment dropped (never sent to a server)', '/page#frag', '/page'],
  ['empty', '', null],
  ['not a string', 42, null],
  ['undefined', undefined, null],
  ['array (repeated rd param)', ['/a', '/b'], null],
  ['scheme-relative', '//evil.com', null],
  ['scheme-relative triple slash', '///evil.com', null],
  ['backslash authority', '/\\evil.com', null],
  ['double backslash', '\\\\evil.com', null],
  ['backslash later in path', '/a\\..\\..\\evil.com', null],
  ['tab then slash', '/\t/evil.com', null],
  ['newline then slash', '/\n/evil.com', null],
  ['CR LF header injection', '/x\r\nSet-Cookie: a=b', null],
  ['encoded CRLF', '/x%0d%0aSet-Cookie:%20a=b', null],
  ['encoded tab', '/%09/evil.com', null],
  ['encoded slash pair, no leading slash', '%2F%2Fevil.com', null],
  ['encoded slash pair after slash', '/%2F/evil.com', null],
  ['encoded backslash', '/%5Cevil.com', null],
  ['encoded backslash lower case', '/%5cevil.com', null],
  ['double-encoded slashes', '/%252F%252Fevil.com', null],
  ['double-encoded backslash', '/%255Cevil.com', null],
  ['triple-encoded', '/%25252F%25252Fevil.com', null],
  ['absolute https', 'https://evil.com/', null],
  ['scheme without slashes', 'https:evil.com', null],
  ['javascript scheme', 'javascript:alert(1)', null],
  ['data scheme', 'data:text/html,<script>alert(1)</script>', null],
  ['userinfo trick', 'https://good.example@evil.com/', null],
  ['userinfo trick scheme-relative', '//good.example@evil.com', null],
  ['relative without slash', 'evil.com', null],
  ['dot relative', './evil', null],
  ['fullwidth solidus lookalike', '/\uff0fevil.com', null],
  ['unicode division slash', '/\u2215evil.com', null],
  ['leading space', ' /dashboard', null],
  ['NUL byte', '/a\u0000b', null],
  ['encoded NUL', '/a%00b', null],
  ['DEL character', '/a\u007fb', null],
  ['malformed percent encoding', '/a%zz', null],
  ['truncated percent encoding', '/a%', null],
  ['very long', `/${'a'.repeat(5000)}`, null],
  ['back to login would loop', '/.changegate/login?rd=/x', null],
  ['back to callback would loop', '/.changegate/callback?code=x', null],
  ['back to logout', '/.changegate/logout', null],
  ['dot-dot into login', '/x/../.changegate/login', null],
  ['port trick', '//evil.com:443/', null],
  ['mixed slash backslash', '/\\/evil.com', null],
];

test('safeReturnPath vectors', async (t) => {
  assert.ok(VECTORS.length >= 40);
  for (const [note, input, expected] of VECTORS) {
    await t.test(note, () => {
      assert.equal(safeReturnPath(input), expected ?? '/');
    });
  }
});

test('a rejected rd yields the given fallback', () => {
  assert.equal(safeReturnPath('//evil', '/home'), '/home');
});
