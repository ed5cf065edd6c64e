import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { interpolateEnv } from '../../src/config/env.js';
import { parseConfigText } from '../../src/config/load.js';

describe('${ENV} interpolation', () => {
  test('whole tokens are replaced, inside longer strings too', () => {
    const r = interpolateEnv({ a: '${HOST}', b: ['https://${HOST}:${PORT}/x'], c: 5 }, { HOST: 'h', PORT: '8' });
    assert.deepEqual(r, { ok: true, value: { a: 'h', b: ['https://h:8/x'], c: 5 } });
  });

  test('$${ is a literal ${, and a bare $ is left alone', () => {
    const r = interpolateEnv({ a: 'p$${NOT}q', b: 'cost $5', c: '$$x' }, {});
    assert.deepEqual(r, { ok: true, value: { a: 'p${NOT}q', b: 'cost $5', c: '$$x' } });
  });

  test('substituted values are not expanded again', () => {
    const r = interpolateEnv({ a: '${A}' }, { A: '${B}', B: 'no' });
    assert.deepEqual(r, { ok: true, value: { a: '${B}' } });
  });

  test('an empty variable is a value', () => {
    assert.deepEqual(interpolateEnv({ a: 'x${E}y' }, { E: '' }), { ok: true, value: { a: 'xy' } });
  });

  test('keys are never substituted', () => {
    assert.deepEqual(interpolateEnv({ '${K}': 'v' }, { K: 'k' }), { ok: true, value: { '${K}': 'v' } });
  });

  test('every missing variable is reported with its config path', () => {
    const r = interpolateEnv({ identity: { oidc: { clientSecret: '${OIDC_SECRET}' } }, list: ['${A}', '${B}'] }, { A: 'a' });
    assert.deepEqual(r, {
      ok: false,
      lines: ['identity.oidc.clientSecret: environment variable OIDC_SECRET is not set', 'list[1]: environment variable B is not set'],
    });
  });

  test('malformed references are errors, not literal text', () => {
    for (const bad of ['${lower}', '${A-B}', '${}', '${UNCLOSED', '${A:-default}']) {
      const r = interpolateEnv({ v: bad }, { A: 'a', UNCLOSED: 'u' });
      assert.equal(r.ok, false, bad);
      if (!r.ok) assert.match(r.lines[0]!, /^v: ".*" is not a valid variable reference/);
    }
  });

  test('through the loader: a secret comes from the environment', () => {
    const text = 'upstreams:\n  gerrit:\n    url: http://${GERRIT_HOST}:8081\n    serviceAccount: { username: svc, token: "${GERRIT_TOKEN}" }\n';
    const c = parseConfigText(text, { env: { GERRIT_HOST: '127.0.0.1', GERRIT_TOKEN: 's3cret' }, baseDir: '/', source: 'x' });
    assert.equal(c.upstreams.gerrit?.url, 'http://127.0.0.1:8081');
    assert.equal(c.upstreams.gerrit?.serviceAccount?.token, 's3cret');
  });

  test('through the loader: a missing variable is a ConfigError naming variable and path', () => {
    assert.throws(
      () => parseConfigText('upstreams: { gerrit: { url: "${GERRIT_URL}" } }\n', { env: {}, baseDir: '/', source: 'x' }),
      (e: unknown) => e instanceof ConfigError && e.lines[0] === 'upstreams.gerrit.url: environment variable GERRIT_URL is not set',
    );
  });

  test('an interpolated value is still validated', () => {
    assert.throws(
      () => parseConfigText('upstreams: { gerrit: { url: "${U}" } }\n', { env: { U: 'not a url' }, baseDir: '/', source: 'x' }),
      (e: unknown) => e instanceof ConfigError && e.lines[0] === 'upstreams.gerrit.url: expected an http(s) URL',
    );
  });
});
