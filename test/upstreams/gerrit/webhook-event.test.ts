// The webhooks plugin's event bodies: the three handled types are read into change facts, other
// types are ignored, and anything malformed is a bad_body with a reason naming the field.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangegateError } from '../../../src/errors.js';
import { parseGerritEvent } from '../../../src/upstreams/gerrit/events/event.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const KEY = `I${'a1'.repeat(20)}`;
const SHA = 'b2'.repeat(20);

function event(type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type,
    eventCreatedOn: 1_700_000_000,
    project: 'external/bison',
    refName: 'refs/heads/master',
    changeKey: { key: KEY },
    change: { project: 'external/bison', branch: 'master', id: KEY, number: 42, subject: 'Fix', owner: { username: 'bob' }, status: 'NEW' },
    patchSet: { number: 3, revision: SHA, ref: 'refs/changes/42/42/3', uploader: { username: 'bob' } },
    ...extra,
  };
}

const body = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

function reason(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ChangegateError);
    assert.equal(e.code, 'bad_body');
    return e.message;
  }
  assert.fail('expected a bad_body error');
}

test('change-merged: the change, its patch set and the submitter', () => {
  const parsed = parseGerritEvent(body(event('change-merged', { submitter: { name: 'Gus', username: 'gus', email: 'gus@example.test' }, newRev: SHA })), JSON_TYPE);
  assert.deepEqual(parsed, {
    kind: 'handled',
    event: {
      type: 'change-merged',
      change: { number: 42, changeId: KEY, project: 'external/bison', branch: 'master' },
      patchSet: { number: 3, revision: SHA },
      actor: { username: 'gus', email: 'gus@example.test' },
    },
  });
});

test('change-abandoned names the abandoner; patchset-created the uploader', () => {
  const abandoned = parseGerritEvent(body(event('change-abandoned', { abandoner: { email: 'alice@example.test' }, reason: 'dup' })), JSON_TYPE);
  assert.equal(abandoned.kind === 'handled' && abandoned.event.actor?.email, 'alice@example.test');
  const created = parseGerritEvent(body(event('patchset-created', { uploader: { username: 'bob' } })), JSON_TYPE);
  assert.deepEqual(created.kind === 'handled' && created.event.actor, { username: 'bob' });
});

test('numbers written as strings (Gerrit before 2.14) are read', () => {
  const e = event('change-merged');
  const parsed = parseGerritEvent(body({ ...e, change: { ...(e['change'] as object), number: '42' }, patchSet: { ...(e['patchSet'] as object), number: '3' } }), JSON_TYPE);
  assert.equal(parsed.kind === 'handled' && parsed.event.change.number, 42);
});

test('other event types are ignored, not refused', () => {
  assert.deepEqual(parseGerritEvent(body(event('comment-added')), JSON_TYPE), { kind: 'ignored', type: 'comment-added' });
  assert.deepEqual(parseGerritEvent(body({ type: 'ref-updated', refUpdate: {} }), JSON_TYPE), { kind: 'ignored', type: 'ref-updated' });
});

test('malformed events are bad_body with the field named', () => {
  const e = event('change-merged');
  const change = e['change'] as Record<string, unknown>;
  const cases: Array<[Buffer, string | undefined, RegExp]> = [
    [Buffer.alloc(0), JSON_TYPE, /empty/],
    [Buffer.from('{"type": "change-merged",}'), JSON_TYPE, /strict JSON/],
    [body(e), 'text/plain', /application\/json/],
    [body([e]), JSON_TYPE, /JSON object/],
    [Buffer.from([0x7b, 0xff, 0x7d]), JSON_TYPE, /UTF-8/],
    [body({ ...e, type: 42 }), JSON_TYPE, /^type:/],
    [body({ ...e, type: 'Change Merged' }), JSON_TYPE, /^type:/],
    [body({ ...e, change: undefined }), JSON_TYPE, /^change:/],
    [body({ ...e, change: { ...change, number: 0 } }), JSON_TYPE, /^change\.number:/],
    [body({ ...e, change: { ...change, number: 4.5 } }), JSON_TYPE, /^change\.number:/],
    [body({ ...e, change: { ...change, number: '42x' } }), JSON_TYPE, /^change\.number:/],
    [body({ ...e, change: { ...change, number: 2 ** 31 } }), JSON_TYPE, /^change\.number:/],
    [body({ ...e, change: { ...change, id: 'I123' } }), JSON_TYPE, /^change\.id:/],
    [body({ ...e, change: { ...change, project: '' } }), JSON_TYPE, /^change\.project:/],
    [body({ ...e, change: { ...change, branch: ['master'] } }), JSON_TYPE, /^change\.branch:/],
    [body({ ...e, patchSet: { number: 1, revision: 'HEAD' } }), JSON_TYPE, /^patchSet\.revision:/],
    [body({ ...event('patchset-created'), patchSet: undefined }), JSON_TYPE, /^patchSet:/],
    [body({ ...e, submitter: 'gus' }), JSON_TYPE, /^submitter:/],
  ];
  for (const [bytes, type, want] of cases) assert.match(reason(() => parseGerritEvent(bytes, type)), want, bytes.toString('latin1'));
});
