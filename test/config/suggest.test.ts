import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatKeyPath } from '../../src/config/key-path.js';
import { configSchema } from '../../src/config/schema.js';
import { knownKeysAt, suggestKey } from '../../src/config/suggest.js';

describe('did-you-mean and key paths', () => {
  test('known keys are found through optional, default and array wrappers', () => {
    assert.ok(knownKeysAt(configSchema, []).includes('upstreams'));
    assert.ok(knownKeysAt(configSchema, ['upstreams', 'gerrit']).includes('pathPrefix'));
    assert.ok(knownKeysAt(configSchema, ['identity', 'bearer', 0]).includes('jwksUri'));
    assert.deepEqual(knownKeysAt(configSchema, ['identity', 'roles']), ['viewer', 'reviewer', 'operator', 'ci', 'admin']);
    assert.deepEqual(knownKeysAt(configSchema, ['listen']), []);
  });

  test('suggestions only for plausible typos', () => {
    assert.equal(suggestKey('jwksUrl', ['issuer', 'audience', 'jwksUri']), 'jwksUri');
    assert.equal(suggestKey('Listen', ['listen', 'admin']), 'listen');
    assert.equal(suggestKey('zzz', ['listen', 'admin']), undefined);
    assert.equal(suggestKey('x', []), undefined);
  });

  test('paths: dots, bracketed indexes, quoted odd keys', () => {
    assert.equal(formatKeyPath(['identity', 'bearer', 0, 'issuer']), 'identity.bearer[0].issuer');
    assert.equal(formatKeyPath(['roles', 'a.b']), 'roles["a.b"]');
    assert.equal(formatKeyPath([]), '(top level)');
  });
});
