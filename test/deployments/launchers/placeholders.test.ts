import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { specPlaceholders, substitute, unknownPlaceholderProblems, withPort } from '../../../src/deployments/launchers/placeholders.js';

const VALUES = withPort({ pathPrefix: '/d/changes/7', change: '7', patchset: '2', checkout: '/w/{port}/7/2', name: 'gerrit-change-7' }, 8123);

describe('launcher placeholders', () => {
  test('every known placeholder is replaced, several in one string', () => {
    assert.equal(substitute('-p {port} --path-prefix {pathPrefix} {name}:{change}/{patchset}', VALUES), '-p 8123 --path-prefix /d/changes/7 gerrit-change-7:7/2');
  });

  test('one pass: a substituted value is never scanned again', () => {
    assert.equal(substitute('{checkout}', VALUES), '/w/{port}/7/2');
  });

  test('braces that are not identifiers are literal text', () => {
    assert.equal(substitute('{"port": {port}} {} { name }', VALUES), '{"port": 8123} {} { name }');
    assert.deepEqual(unknownPlaceholderProblems([{ where: 'x', text: '{"a":1} {}' }]), []);
  });

  test('unknown placeholders are reported with where they are', () => {
    assert.deepEqual(
      unknownPlaceholderProblems([
        { where: 'command[1]', text: '{prot}' },
        { where: 'env.A', text: 'ok {port}' },
      ]),
      ['command[1]: unknown placeholder {prot} (known: {port} {pathPrefix} {change} {patchset} {checkout} {name})'],
    );
    assert.throws(() => substitute('{prot}', VALUES), /unknown placeholder \{prot\}/);
  });

  test('a spec missing values is a message; the launcher port wins over a spec port', () => {
    assert.equal(specPlaceholders({ change: '1' }), 'the launch spec has no value for {pathPrefix} {patchset} {checkout} {name}');
    const given = specPlaceholders({ pathPrefix: '/p', change: '1', patchset: '1', checkout: '/c', name: 'n', port: '1' });
    assert.ok(typeof given !== 'string');
    assert.equal(withPort(given, 9).port, '9');
  });
});
