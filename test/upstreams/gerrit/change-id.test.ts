import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChangeId, parseChangeIdSegment } from '../../../src/upstreams/gerrit/change-id.js';

const KEY = 'I0123456789abcdef0123456789abcdef01234567';

const VECTORS: Array<{ segment: string; want: Record<string, unknown> | undefined }> = [
  { segment: '123', want: { form: 'number', number: 123 } },
  { segment: 'myproject~123', want: { form: 'project-number', project: 'myproject', number: 123 } },
  { segment: 'external%2Fbison~42', want: { form: 'project-number', project: 'external/bison', number: 42 } },
  { segment: 'a%2Fb%2Fc~7', want: { form: 'project-number', project: 'a/b/c', number: 7 } },
  { segment: `myproject~main~${KEY}`, want: { form: 'triplet', project: 'myproject', branch: 'refs/heads/main', changeId: KEY } },
  { segment: `myproject~refs%2Fheads%2Fmain~${KEY}`, want: { form: 'triplet', project: 'myproject', branch: 'refs/heads/main', changeId: KEY } },
  { segment: `external%2Fbison~stable%2F1.0~${KEY}`, want: { form: 'triplet', project: 'external/bison', branch: 'refs/heads/stable/1.0', changeId: KEY } },
  // Gerrit splits the triplet on the last two tildes, so a tilde in the project stays there.
  { segment: `we~ird~main~${KEY}`, want: { form: 'triplet', project: 'we~ird', branch: 'refs/heads/main', changeId: KEY } },
  { segment: KEY, want: { form: 'change-id', changeId: KEY } },
  { segment: 'I0123', want: { form: 'change-id', changeId: 'I0123' } },
  { segment: KEY.replace('I', 'i'), want: { form: 'change-id', changeId: KEY } },
  { segment: 'deadbeefcafe', want: { form: 'commit', commit: 'deadbeefcafe' } },
  { segment: 'a'.repeat(40), want: { form: 'commit', commit: 'a'.repeat(40) } },
  { segment: 'DEADBEEF', want: { form: 'commit', commit: 'deadbeef' } },
  { segment: '0', want: undefined },
  { segment: '0123', want: undefined },
  { segment: '99999999999', want: { form: 'commit', commit: '99999999999' } },
  { segment: '~123', want: undefined },
  { segment: 'p~', want: undefined },
  { segment: 'p~main~notakey', want: undefined },
  { segment: 'p~~I0123', want: undefined },
  { segment: 'abc', want: undefined },
  { segment: '%E0%A4%A', want: undefined },
  { segment: '', want: undefined },
];

for (const { segment, want } of VECTORS) {
  test(`change id ${JSON.stringify(segment)}`, () => {
    const got = parseChangeIdSegment(segment);
    if (want === undefined) return assert.equal(got, undefined);
    assert.ok(got !== undefined, 'expected a parse');
    const picked = Object.fromEntries(Object.keys(want).map((k) => [k, (got as unknown as Record<string, unknown>)[k]]));
    assert.deepEqual(picked, want);
  });
}

test('the raw id is the decoded identifier, ready for a lookup', () => {
  assert.equal(parseChangeIdSegment('external%2Fbison~42')?.raw, 'external/bison~42');
  assert.equal(parseChangeId('p~1')?.raw, 'p~1');
});
