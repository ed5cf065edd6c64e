// deployments.projects globs: `*` stays within a path segment, `**` crosses them, and everything
// else is literal, regular-expression metacharacters included.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGlob, projectMatcher } from '../../src/util/project-glob.js';

test('glob cases', () => {
  const cases: [glob: string, project: string, want: boolean][] = [
    ['data-pipelines', 'data-pipelines', true],
    ['data-pipelines', 'data-pipelines-2', false],
    ['data-pipelines', 'x/data-pipelines', false],
    ['data/*', 'data/a', true],
    ['data/*', 'data/', true],
    ['data/*', 'data/a/b', false],
    ['data/*', 'data', false],
    ['data/*', 'other/a', false],
    ['*', 'demo', true],
    ['*', 'external/bison', false],
    ['*-pipelines', 'data-pipelines', true],
    ['*-pipelines', 'team/data-pipelines', false],
    ['data/**', 'data/a/b/c', true],
    ['data/**', 'data/a', true],
    ['**', 'anything/at/all', true],
    ['**/pipelines', 'a/b/pipelines', true],
    ['**/pipelines', 'a/b/pipelines2', false],
    ['a/**/z', 'a/b/c/z', true],
    // Literal metacharacters.
    ['data.pipelines', 'data.pipelines', true],
    ['data.pipelines', 'dataXpipelines', false],
    ['c++', 'c++', true],
    ['c++', 'cc', false],
    ['a?', 'a?', true],
    ['a?', 'a', false],
    ['(x|y)', '(x|y)', true],
    ['(x|y)', 'x', false],
    ['[ab]', '[ab]', true],
    ['[ab]', 'a', false],
    ['$^', '$^', true],
    ['a{2}', 'a{2}', true],
    ['a{2}', 'aa', false],
    ['back\\slash', 'back\\slash', true],
    ['*.git', 'repo.git', true],
    ['*.git', 'repoXgit', false],
  ];
  for (const [glob, project, want] of cases) assert.equal(compileGlob(glob)(project), want, `${glob} ~ ${project}`);
});

test('a project matches when any pattern does; no pattern, no project', () => {
  const matches = projectMatcher(['demo', 'data/*']);
  assert.equal(matches('demo'), true);
  assert.equal(matches('data/x'), true);
  assert.equal(matches('external/bison'), false);
  assert.equal(projectMatcher([])('demo'), false);
});

test('a name with a newline matches nothing it should not', () => {
  assert.equal(compileGlob('demo')('demo\n'), false);
  assert.equal(compileGlob('data/*')('data/a\nb'), true, '`*` is any characters but /');
  assert.equal(compileGlob('data/*')('data/a\n/b'), false);
});

test('many stars against a long hostile name: bounded work (a regular expression here backtracked for minutes)', () => {
  const matches = compileGlob('*a'.repeat(30));
  assert.equal(matches(`${'a'.repeat(1000)}/`), false);
  assert.equal(matches('a'.repeat(1000)), true);
  assert.equal(compileGlob('**a'.repeat(30))(`${'a'.repeat(1000)}/b`), false);
});

test('runs of three or more stars are one `**`, and multi-unit characters are one character', () => {
  assert.equal(compileGlob('a/***')('a/b/c'), true);
  assert.equal(compileGlob('d/?')('d/🙂'), false);
  assert.equal(compileGlob('d/*')('d/🙂'), true);
  assert.equal(compileGlob('🙂*')('🙂x'), true);
});
