// Who may post webhook events: the secret (constant-time, exactly one ?secret=), the allow list
// (IPv4 also as a mapped IPv6 peer), and both when both are set.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebhookAccess } from '../../../src/upstreams/gerrit/events/access.js';

const SECRET = 'k'.repeat(24) + 'Zz0-_~.9';

function codeOf(r: ReturnType<WebhookAccess['check']>): string {
  return r.ok ? `ok:${r.proofs.join('+')}` : r.error.code;
}

test('secret: right passes; missing is 401; wrong, near-miss or repeated is 403', () => {
  const a = new WebhookAccess({ secret: SECRET });
  assert.equal(codeOf(a.check(`secret=${SECRET}`, '192.0.2.1')), 'ok:gerrit_webhook_secret');
  assert.equal(codeOf(a.check(`x=1&secret=${encodeURIComponent(SECRET)}`, undefined)), 'ok:gerrit_webhook_secret');
  assert.equal(codeOf(a.check('', '192.0.2.1')), 'unauthenticated');
  assert.equal(codeOf(a.check('token=abc', '192.0.2.1')), 'unauthenticated');
  assert.equal(codeOf(a.check(`secret=${SECRET.slice(0, -1)}`, '192.0.2.1')), 'forbidden');
  assert.equal(codeOf(a.check(`secret=${SECRET}x`, '192.0.2.1')), 'forbidden');
  assert.equal(codeOf(a.check('secret=', '192.0.2.1')), 'forbidden');
  assert.equal(codeOf(a.check(`secret=${SECRET}&secret=${SECRET}`, '192.0.2.1')), 'forbidden');
  assert.equal(codeOf(a.check(`secret=wrong&secret=${SECRET}`, '192.0.2.1')), 'forbidden');
});

test('allow list: inside passes (IPv4 as mapped IPv6 too), outside or unknown is 403', () => {
  const a = new WebhookAccess({ allow: ['10.1.0.0/16', 'fd00::/8'] });
  assert.equal(codeOf(a.check('', '10.1.2.3')), 'ok:gerrit_webhook_allowlist');
  assert.equal(codeOf(a.check('', '::ffff:10.1.2.3')), 'ok:gerrit_webhook_allowlist');
  assert.equal(codeOf(a.check('', 'fd12::1')), 'ok:gerrit_webhook_allowlist');
  assert.equal(codeOf(a.check('', '10.2.0.1')), 'forbidden');
  assert.equal(codeOf(a.check(`secret=${SECRET}`, '127.0.0.1')), 'forbidden');
  assert.equal(codeOf(a.check('', undefined)), 'forbidden');
});

test('both set: both must pass', () => {
  const a = new WebhookAccess({ secret: SECRET, allow: ['127.0.0.1'] });
  assert.equal(codeOf(a.check(`secret=${SECRET}`, '127.0.0.1')), 'ok:gerrit_webhook_allowlist+gerrit_webhook_secret');
  assert.equal(codeOf(a.check(`secret=${SECRET}`, '127.0.0.2')), 'forbidden');
  assert.equal(codeOf(a.check('secret=nope', '127.0.0.1')), 'forbidden');
  assert.equal(codeOf(a.check('', '127.0.0.1')), 'unauthenticated');
});

test('neither set refuses to build: nobody could be checked', () => {
  assert.throws(() => new WebhookAccess({}), TypeError);
  assert.throws(() => new WebhookAccess({ allow: [] }), TypeError);
});
