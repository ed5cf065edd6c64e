import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseListen } from '../../src/config/listen.js';

describe('listen addresses', () => {
  test('host:port, [v6]:port and a bare port', () => {
    assert.deepEqual(parseListen('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(parseListen('[::1]:9901'), { host: '::1', port: 9901 });
    assert.deepEqual(parseListen('localhost:0'), { host: 'localhost', port: 0 });
    assert.deepEqual(parseListen('8080'), { host: undefined, port: 8080 });
  });

  test('a bad port is a TypeError', () => {
    assert.throws(() => parseListen('127.0.0.1:http'), TypeError);
    assert.throws(() => parseListen('127.0.0.1:70000'), TypeError);
  });
});
