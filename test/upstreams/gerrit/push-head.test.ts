// The receive-pack head parser on hand-built bytes: every shape git sends, and the malicious
// ones (hidden commands, bad lengths, truncation) that must be refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isChangegateError } from '../../../src/errors.js';
import { parsePushHead } from '../../../src/upstreams/gerrit/git/push-head.js';
import { flush, pkt, pushBody, ZERO, A, B } from './pkt.js';

test('one command with capabilities, then PACK', () => {
  const body = pushBody([`${ZERO} ${A} refs/for/main%topic=t\0report-status side-band-64k agent=git/2.39`], { pack: true });
  const head = parsePushHead(body, false);
  assert.ok(head);
  assert.deepEqual(head.commands, [{ oldId: ZERO, newId: A, ref: 'refs/for/main%topic=t' }]);
  assert.deepEqual(head.capabilities, ['report-status', 'side-band-64k', 'agent=git/2.39']);
  assert.equal(head.hasPack, true);
  assert.equal(body.subarray(head.length, head.length + 4).toString(), 'PACK');
});

test('every command is seen, the second hiding behind the first included', () => {
  const body = pushBody([`${ZERO} ${A} refs/for/main\0report-status`, `${A} ${B} refs/heads/main`, `${A} ${ZERO} refs/tags/v1`], { pack: true });
  const head = parsePushHead(body, true);
  assert.deepEqual(head?.commands.map((c) => c.ref), ['refs/for/main', 'refs/heads/main', 'refs/tags/v1']);
});

test('push options after the command list when the capability is present', () => {
  const body = pushBody([`${ZERO} ${A} refs/for/main\0report-status push-options`], { options: ['notify=NONE', 'submit'], pack: true });
  assert.deepEqual(parsePushHead(body, true)?.pushOptions, ['notify=NONE', 'submit']);
});

test('an options section without the capability is not a pack: refused', () => {
  const body = pushBody([`${ZERO} ${A} refs/for/main\0report-status`], { options: ['submit'], pack: true });
  assert.throws(() => parsePushHead(body, true), isBadBody);
});

test('shallow lines before the commands', () => {
  const body = Buffer.concat([pkt(`shallow ${B}`), pushBody([`${ZERO} ${A} refs/for/main\0report-status`], { pack: true })]);
  assert.equal(parsePushHead(body, true)?.shallow, 1);
});

test('a signed push: commands inside the push-cert block, options from the certificate too', () => {
  const body = Buffer.concat([
    pkt('push-cert\0report-status push-options'),
    pkt('certificate version 0.1\n'),
    pkt('pusher Test <t@example.com> 1700000000 +0000\n'),
    pkt('pushee http://h/p\n'),
    pkt('nonce 123-abc\n'),
    pkt('push-option submit\n'),
    pkt('\n'),
    pkt(`${ZERO} ${A} refs/heads/main\n`),
    pkt('-----BEGIN PGP SIGNATURE-----\n'),
    pkt('abc\n'),
    pkt('-----END PGP SIGNATURE-----\n'),
    pkt('push-cert-end\n'),
    // receive-pack keeps reading commands until the flush: so must we.
    pkt(`${ZERO} ${B} refs/meta/config\n`),
    flush(),
    pkt('notify=NONE'),
    flush(),
    Buffer.from('PACK'),
  ]);
  const head = parsePushHead(body, true);
  assert.ok(head);
  assert.equal(head.signed, true);
  assert.deepEqual(head.commands.map((c) => c.ref), ['refs/heads/main', 'refs/meta/config']);
  assert.deepEqual(head.pushOptions, ['submit', 'notify=NONE']);
});

test('the 4-byte probe is an empty command list', () => {
  const head = parsePushHead(Buffer.from('0000'), true);
  assert.deepEqual(head?.commands, []);
});

test('a probe still arriving waits; data after an empty list is refused', () => {
  assert.equal(parsePushHead(Buffer.from('0000'), false), undefined);
  assert.throws(() => parsePushHead(Buffer.concat([flush(), pushBody([`${ZERO} ${A} refs/heads/main\0x`], { pack: true })]), true), isBadBody);
});

test('partial input waits for more, and is refused once the body ended', () => {
  const body = pushBody([`${ZERO} ${A} refs/for/main\0report-status`, `${A} ${B} refs/heads/main`], { pack: true });
  const packAt = body.length - 20;
  // (Ending right at packAt is a complete body without a pack, which receive-pack itself rejects.)
  for (const cut of [0, 2, 4, 10, 60, packAt - 1, packAt + 2]) {
    assert.equal(parsePushHead(body.subarray(0, cut), false), undefined, `cut ${cut}`);
    assert.throws(() => parsePushHead(body.subarray(0, cut), true), isBadBody, `cut ${cut}`);
  }
});

test('a delete-only push has no pack', () => {
  const head = parsePushHead(pushBody([`${A} ${ZERO} refs/heads/old\0report-status`], { pack: false }), true);
  assert.equal(head?.hasPack, false);
});

const MALFORMED: Array<[string, Buffer]> = [
  ['length not hex', Buffer.from('00zzhello')],
  ['length 1-3', Buffer.from('0003')],
  ['empty pkt 0004', Buffer.from('0004')],
  ['delim pkt 0001', Buffer.from('0001')],
  ['length over 65520', Buffer.from('fff5')],
  ['not a command', Buffer.concat([pkt('hello world\0caps'), flush()])],
  ['short object id', Buffer.concat([pkt(`${ZERO.slice(1)} ${A} refs/heads/x\0caps`), flush()])],
  ['capabilities on a later command', Buffer.concat([pkt(`${ZERO} ${A} refs/for/main\0caps`), pkt(`${ZERO} ${A} refs/heads/x\0more`), flush(), Buffer.from('PACK')])],
  ['garbage instead of PACK', Buffer.concat([pkt(`${ZERO} ${A} refs/for/main\0caps`), flush(), Buffer.from('JUNK')])],
  ['a second command list after the flush', Buffer.concat([pkt(`${ZERO} ${A} refs/for/main\0caps`), flush(), pkt(`${ZERO} ${A} refs/heads/main`), flush(), Buffer.from('PACK')])],
  ['unterminated push-cert', Buffer.concat([pkt('push-cert\0caps'), pkt('certificate version 0.1'), flush()])],
  ['signature outside a push-cert', Buffer.concat([pkt(`${ZERO} ${A} refs/for/main\0caps`), pkt('-----BEGIN PGP SIGNATURE-----'), flush()])],
  ['shallow after a command', Buffer.concat([pkt(`${ZERO} ${A} refs/for/main\0caps`), pkt(`shallow ${B}`), flush()])],
];

for (const [name, body] of MALFORMED) {
  test(`malformed: ${name}`, () => {
    assert.throws(() => parsePushHead(body, true), isBadBody);
  });
}

function isBadBody(e: unknown): boolean {
  return isChangegateError(e) && e.code === 'bad_body';
}
