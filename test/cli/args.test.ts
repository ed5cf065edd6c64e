import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseArgs, UsageError, wantsHelp } from '../../src/cli/args.js';

const SPEC = { config: { type: 'string', short: 'c' }, verbose: { type: 'boolean' } } as const;

describe('flag parser', () => {
  test('long, long=, short, boolean, positionals and --', () => {
    assert.deepEqual(parseArgs(['--config', 'a.yaml', 'x'], SPEC), { flags: { config: 'a.yaml' }, positionals: ['x'] });
    assert.deepEqual(parseArgs(['--config=a=b.yaml'], SPEC), { flags: { config: 'a=b.yaml' }, positionals: [] });
    assert.deepEqual(parseArgs(['-c', 'a.yaml', '--verbose'], SPEC), { flags: { config: 'a.yaml', verbose: true }, positionals: [] });
    assert.deepEqual(parseArgs(['--', '--config', '-'], SPEC), { flags: {}, positionals: ['--config', '-'] });
  });

  test('usage errors', () => {
    for (const bad of [['--nope'], ['--config'], ['--config='], ['--verbose=1'], ['-c', 'a', '-c', 'b'], ['-x']]) {
      assert.throws(() => parseArgs(bad, SPEC), UsageError, bad.join(' '));
    }
  });

  test('--help is only a help request before --', () => {
    assert.equal(wantsHelp(['a', '--help']), true);
    assert.equal(wantsHelp(['-h']), true);
    assert.equal(wantsHelp(['--', '--help']), false);
  });
});
