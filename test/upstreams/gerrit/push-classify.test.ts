// What a push does, from its commands and options: table-driven over ref names and options.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pushAction, pushResource } from '../../../src/upstreams/gerrit/git/classify.js';
import type { PushHead } from '../../../src/upstreams/gerrit/git/push-head.js';

const Z = '0'.repeat(40);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function head(refs: Array<string | [string, string, string]>, pushOptions: string[] = []): PushHead {
  const commands = refs.map((r) => (typeof r === 'string' ? { oldId: Z, newId: A, ref: r } : { oldId: r[0], newId: r[1], ref: r[2] }));
  return { commands, capabilities: ['push-options'], pushOptions, shallow: 0, signed: false, length: 0, hasPack: true };
}

function judge(refs: Array<string | [string, string, string]>, options: string[] = []) {
  const resource = pushResource(head(refs, options), { project: 'p', service: 'git-receive-pack' }, '/p/git-receive-pack');
  return { action: pushAction(resource.commands), resource };
}

const ACTIONS: Array<[refs: Array<string | [string, string, string]>, action: string, targets: string[]]> = [
  [['refs/for/master'], 'gerrit.push.review', ['refs/heads/master']],
  [['refs/for/refs/heads/master'], 'gerrit.push.review', ['refs/heads/master']],
  [['refs/for/stable/1.0%topic=x'], 'gerrit.push.review', ['refs/heads/stable/1.0']],
  [['refs/heads/master'], 'gerrit.push.direct', ['refs/heads/master']],
  [['refs/tags/v1'], 'gerrit.push.direct', ['refs/tags/v1']],
  [['refs/changes/01/1/1'], 'gerrit.push.direct', ['refs/changes/01/1/1']],
  [['refs/drafts/master'], 'gerrit.push.direct', ['refs/drafts/master']],
  [['refs/publish/master'], 'gerrit.push.direct', ['refs/publish/master']],
  [['refs/heads/master%submit'], 'gerrit.push.direct', ['refs/heads/master%submit']],
  [['refs/for'], 'gerrit.push.direct', ['refs/for']],
  [['refs/meta/config'], 'gerrit.push.config', ['refs/meta/config']],
  [['refs/for/refs/meta/config'], 'gerrit.push.config', ['refs/meta/config']],
  [['refs/for/refs/meta/config%submit'], 'gerrit.push.config', ['refs/meta/config']],
  [[[A, Z, 'refs/for/master']], 'gerrit.push.direct', ['refs/for/master']],
  [[[A, B, 'refs/heads/master']], 'gerrit.push.direct', ['refs/heads/master']],
  [['refs/for/master', 'refs/heads/master'], 'gerrit.push.direct', ['refs/heads/master', 'refs/heads/master']],
  [['refs/for/master', 'refs/for/refs/meta/config'], 'gerrit.push.config', ['refs/heads/master', 'refs/meta/config']],
  [['refs/heads/x', 'refs/meta/config', 'refs/for/master'], 'gerrit.push.config', ['refs/heads/x', 'refs/meta/config', 'refs/heads/master']],
];

for (const [refs, action, targets] of ACTIONS) {
  test(`push ${JSON.stringify(refs)} -> ${action}`, () => {
    const got = judge(refs);
    assert.equal(got.action, action);
    assert.deepEqual(got.resource['targets'], targets);
  });
}

const OPTIONS: Array<[ref: string, pushOptions: string[], dangerous: string[], unknown: string[]]> = [
  ['refs/for/master%topic=a,r=bob,cc=carol,wip,m=hello_world,notify=NONE,hashtag=x', [], [], []],
  ['refs/for/master%submit', [], ['submit'], []],
  ['refs/for/master', ['submit'], ['submit'], []],
  ['refs/for/master%merged', [], ['merged'], []],
  ['refs/for/master%base=' + A, [], ['base'], []],
  ['refs/for/master%l=Code-Review+2', [], ['label'], []],
  ['refs/for/master', ['label=Verified+1'], ['label'], []],
  ['refs/for/master', ['skip-validation'], ['skip-validation'], []],
  ['refs/for/master', ['notedb=allow'], ['notedb'], []],
  ['refs/for/master', ['notedb=deny'], ['notedb'], []],
  ['refs/for/master%SUBMIT', [], ['submit'], []],
  ['refs/for/master%topic=a,submit', ['notify=NONE'], ['submit'], []],
  ['refs/for/master%--submit', [], [], ['--submit']],
  ['refs/for/master', ['frobnicate'], [], ['frobnicate']],
  ['refs/for/master', ['plugin~option=1'], [], ['plugin~option']],
  ['refs/for/master%Topic=a', [], [], ['Topic']],
  ['refs/for/master%', [], [], []],
  ['refs/for/master%topic=a%submit', [], [], []],
];

for (const [ref, pushOptions, dangerous, unknown] of OPTIONS) {
  test(`options ${ref} -o ${pushOptions.join(',')}`, () => {
    const { resource } = judge([ref], pushOptions);
    assert.deepEqual(resource['dangerous_options'], dangerous);
    assert.deepEqual(resource['unknown_options'], unknown);
  });
}

test('an empty command list is the probe', () => {
  assert.equal(judge([]).action, 'gerrit.push.probe');
});
