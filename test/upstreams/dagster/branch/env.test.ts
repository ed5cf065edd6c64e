// The environment a change's branch deployment gets: exactly Dagster+'s names and ours, values
// from a ChangeSnapshot, hostile commit text made safe, malformed identifiers refused.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { branchDeploymentEnv, BranchEnvError, MAX_AUTHOR_BYTES, MAX_MESSAGE_BYTES, type BranchEnvInput } from '../../../../src/upstreams/dagster/index.js';
import type { ChangeSnapshot } from '../../../../src/deployments/types.js';
import { CHANGE_ID, changeSnapshot } from '../../../fakes/deployments/snapshot.js';

const SNAPSHOT: ChangeSnapshot = changeSnapshot({ commit: { message: `Add the ledger job\n\nChange-Id: ${CHANGE_ID}\n` } });
// A ChangeSnapshot is accepted as it is (structural typing): this line is the compile-time check.
const INPUT: BranchEnvInput = { ...SNAPSHOT, deploymentUrl: 'https://changegate.example.com/dagster/changes/42' };

const withCommit = (commit: Partial<ChangeSnapshot['commit']>): BranchEnvInput => ({ ...INPUT, commit: { ...INPUT.commit, ...commit } });

describe('branchDeploymentEnv', () => {
  it("sets exactly Dagster+'s names and Changegate's", () => {
    assert.deepEqual(branchDeploymentEnv(INPUT), {
      DAGSTER_CLOUD_IS_BRANCH_DEPLOYMENT: '1',
      DAGSTER_CLOUD_DEPLOYMENT_NAME: 'gerrit-change-42',
      DAGSTER_CLOUD_PULL_REQUEST_ID: '42',
      DAGSTER_CLOUD_PULL_REQUEST_STATUS: 'OPEN',
      DAGSTER_CLOUD_GIT_SHA: 'a'.repeat(40),
      DAGSTER_CLOUD_GIT_TIMESTAMP: '1724871941',
      DAGSTER_CLOUD_GIT_AUTHOR_EMAIL: 'olivia@example.com',
      DAGSTER_CLOUD_GIT_AUTHOR_NAME: 'Olivia Owner',
      DAGSTER_CLOUD_GIT_MESSAGE: INPUT.commit.message,
      DAGSTER_CLOUD_GIT_BRANCH: 'main',
      DAGSTER_CLOUD_GIT_REPO: 'data-pipelines',
      CHANGEGATE_SHADOW_SUFFIX: '_dagster_pr_42',
      CHANGEGATE_GERRIT_PROJECT: 'data-pipelines',
      CHANGEGATE_GERRIT_CHANGE_ID: INPUT.id,
      CHANGEGATE_GERRIT_PATCHSET: '3',
      CHANGEGATE_DEPLOYMENT_URL: INPUT.deploymentUrl,
    });
  });

  it('says MERGED and CLOSED as Dagster+ does', () => {
    assert.equal(branchDeploymentEnv({ ...INPUT, status: 'MERGED' })['DAGSTER_CLOUD_PULL_REQUEST_STATUS'], 'MERGED');
    assert.equal(branchDeploymentEnv({ ...INPUT, status: 'CLOSED' })['DAGSTER_CLOUD_PULL_REQUEST_STATUS'], 'CLOSED');
  });

  it('accepts a SHA-256 commit and an ISO timestamp with a zone', () => {
    const env = branchDeploymentEnv(withCommit({ sha: 'b'.repeat(64), timestamp: '2024-08-28T21:05:41+02:00' }));
    assert.equal(env['DAGSTER_CLOUD_GIT_SHA'], 'b'.repeat(64));
    assert.equal(env['DAGSTER_CLOUD_GIT_TIMESTAMP'], '1724871941');
  });

  it('removes NUL bytes from commit text, so the webserver can be started at all', () => {
    const env = branchDeploymentEnv(withCommit({ message: 'fix\u0000 it', authorName: '\u0000Mal\u0000', authorEmail: 'm@x\u0000' }));
    assert.equal(env['DAGSTER_CLOUD_GIT_MESSAGE'], 'fix it');
    assert.equal(env['DAGSTER_CLOUD_GIT_AUTHOR_NAME'], 'Mal');
    assert.equal(env['DAGSTER_CLOUD_GIT_AUTHOR_EMAIL'], 'm@x');
    for (const value of Object.values(env)) assert.ok(!value.includes('\u0000'));
    // What the process launcher will do with it: spawn refuses an environment with NUL in it.
    const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(process.env.DAGSTER_CLOUD_GIT_MESSAGE)'], { env: { ...env, PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' });
    assert.equal(r.stdout, 'fix it');
  });

  it('keeps newlines and non-ASCII text, and replaces lone surrogates', () => {
    const env = branchDeploymentEnv(withCommit({ message: 'Zürich 😀\n\nbody', authorName: 'Bad \uD800 half' }));
    assert.equal(env['DAGSTER_CLOUD_GIT_MESSAGE'], 'Zürich 😀\n\nbody');
    assert.equal(env['DAGSTER_CLOUD_GIT_AUTHOR_NAME'], 'Bad \uFFFD half');
  });

  it('bounds the message and the author fields in UTF-8 bytes, cutting on a code point', () => {
    const env = branchDeploymentEnv(withCommit({ message: 'x'.repeat(MAX_MESSAGE_BYTES - 1) + '😀 and more', authorName: 'é'.repeat(MAX_AUTHOR_BYTES), authorEmail: 'a'.repeat(10 * MAX_AUTHOR_BYTES) }));
    assert.equal(env['DAGSTER_CLOUD_GIT_MESSAGE'], 'x'.repeat(MAX_MESSAGE_BYTES - 1), 'the emoji (4 bytes) does not fit: it is left out whole');
    assert.equal(Buffer.byteLength(env['DAGSTER_CLOUD_GIT_AUTHOR_NAME']!, 'utf8'), MAX_AUTHOR_BYTES);
    assert.equal(env['DAGSTER_CLOUD_GIT_AUTHOR_NAME'], 'é'.repeat(MAX_AUTHOR_BYTES / 2));
    assert.equal(env['DAGSTER_CLOUD_GIT_AUTHOR_EMAIL']!.length, MAX_AUTHOR_BYTES);
  });

  const refused: readonly [string, BranchEnvInput][] = [
    ['number', { ...INPUT, number: 0 }],
    ['number', { ...INPUT, number: 4.5 }],
    ['number', { ...INPUT, number: 2 ** 31 }],
    ['patchset', { ...INPUT, patchset: -1 }],
    ['id', { ...INPUT, id: 'I0123' }],
    ['id', { ...INPUT, id: 'I0123456789ABCDEF0123456789ABCDEF01234567' }],
    ['status', { ...INPUT, status: 'NEW' as never }],
    ['project', { ...INPUT, project: '' }],
    ['project', { ...INPUT, project: 'data\u0000pipelines' }],
    ['project', { ...INPUT, project: 'p'.repeat(1025) }],
    ['branch', { ...INPUT, branch: 'main\n' }],
    ['commit.sha', withCommit({ sha: 'abc' })],
    ['commit.sha', withCommit({ sha: `${'a'.repeat(40)}\u0000` })],
    ['commit.timestamp', withCommit({ timestamp: 'yesterday' })],
    ['commit.timestamp', withCommit({ timestamp: '2024-02-30 00:00:00' })],
    ['deploymentUrl', { ...INPUT, deploymentUrl: '/dagster/changes/42' }],
    ['deploymentUrl', { ...INPUT, deploymentUrl: 'javascript:alert(1)' }],
    ['deploymentUrl', { ...INPUT, deploymentUrl: 'https://x.example/a b' }],
    ['deploymentUrl', { ...INPUT, deploymentUrl: 'https://x.example/\u0000' }],
  ];
  for (const [field, input] of refused) {
    it(`refuses a malformed ${field} (${JSON.stringify((input as unknown as Record<string, unknown>)[field.split('.')[0]!])?.slice(0, 60)})`, () => {
      assert.throws(() => branchDeploymentEnv(input), (e: unknown) => e instanceof BranchEnvError && e.field === field);
    });
  }
});
