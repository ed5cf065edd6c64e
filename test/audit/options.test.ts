import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { auditSinkOptions } from '../../src/audit/options.js';
import { configSchema } from '../../src/config/schema.js';

test('the audit config section has defaults for every new field and keeps path and stdout', () => {
  const config = configSchema.parse({ upstreams: { gerrit: { url: 'http://127.0.0.1:9' } } });
  assert.deepEqual(config.audit, {
    path: 'var/audit.jsonl',
    stdout: false,
    rotateBytes: 64 * 1024 * 1024,
    rotateDaily: true,
    checkpointEvery: 1000,
    checkpointSeconds: 60,
    failOpenReads: false,
  });
  assert.throws(() => configSchema.parse({ upstreams: { gerrit: { url: 'http://a' } }, audit: { checkpointEvery: 0 } }));
});

test('sink options come from the config: stateDir for the key, the mirror only with stdout: true', () => {
  const mirror = new PassThrough();
  const on = configSchema.parse({ stateDir: '/s', upstreams: { gerrit: { url: 'http://a' } }, audit: { path: '/l/a.jsonl', stdout: true, signingKey: '/k.pem', failOpenReads: true } });
  const options = auditSinkOptions(on, { mirror });
  assert.equal(options.stateDir, '/s');
  assert.equal(options.signingKey, '/k.pem');
  assert.equal(options.failOpenReads, true);
  assert.equal(options.mirror, mirror);
  const off = configSchema.parse({ upstreams: { gerrit: { url: 'http://a' } } });
  assert.equal(auditSinkOptions(off, { mirror }).mirror, undefined);
});
