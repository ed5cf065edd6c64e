// dagster-rocky's shadow suffix table, row by row, and names an attacker or a careless config
// could give a deployment: the suffix is written into SQL identifiers.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { shadowSuffix, type ShadowSuffixInput } from '../../../../src/upstreams/dagster/branch/shadow-suffix.js';

const SAFE = /^_dagster_[A-Za-z0-9_]+$/;

const ROWS: readonly { readonly note: string; readonly input: ShadowSuffixInput; readonly want: string }[] = [
  // dagster-rocky's rows
  { note: 'not a branch deployment', input: { isBranchDeployment: false, change: 42, name: 'prod' }, want: '' },
  { note: 'a change', input: { isBranchDeployment: true, change: 42, name: 'gerrit-change-42' }, want: '_dagster_pr_42' },
  { note: 'a change wins over the name', input: { isBranchDeployment: true, change: 999999, name: 'x' }, want: '_dagster_pr_999999' },
  { note: 'a name without a change', input: { isBranchDeployment: true, name: 'manual-test' }, want: '_dagster_manual_test' },
  { note: 'punctuation in the name', input: { isBranchDeployment: true, name: 'branch-deploy/foo.bar' }, want: '_dagster_branch_deploy_foo_bar' },
  { note: 'underscores and digits are kept', input: { isBranchDeployment: true, name: 'a_B_9' }, want: '_dagster_a_B_9' },
  { note: 'neither change nor name', input: { isBranchDeployment: true }, want: '_dagster_branch' },
  { note: 'an empty name counts as none', input: { isBranchDeployment: true, name: '' }, want: '_dagster_branch' },
  // a change number that is no positive integer falls through to the name, never into the suffix
  { note: 'change 0', input: { isBranchDeployment: true, change: 0, name: 'x' }, want: '_dagster_x' },
  { note: 'negative change', input: { isBranchDeployment: true, change: -1, name: 'x' }, want: '_dagster_x' },
  { note: 'fractional change', input: { isBranchDeployment: true, change: 4.2, name: 'x' }, want: '_dagster_x' },
  { note: 'NaN change', input: { isBranchDeployment: true, change: Number.NaN }, want: '_dagster_branch' },
  { note: 'unsafe integer change', input: { isBranchDeployment: true, change: 2 ** 60, name: 'x' }, want: '_dagster_x' },
  // hostile names
  { note: 'path traversal', input: { isBranchDeployment: true, name: '../../etc' }, want: '_dagster_______etc' },
  { note: 'spaces and SQL', input: { isBranchDeployment: true, name: "x'; DROP TABLE t; --" }, want: '_dagster_x___DROP_TABLE_t____' },
  { note: 'non-ASCII letters (dagster-rocky keeps them; we do not)', input: { isBranchDeployment: true, name: 'café' }, want: '_dagster_caf_' },
  { note: 'an astral character is one code point, one _', input: { isBranchDeployment: true, name: 'a😀b' }, want: '_dagster_a_b' },
  { note: 'a lone surrogate', input: { isBranchDeployment: true, name: 'a\uD800b' }, want: '_dagster_a_b' },
  { note: 'NUL and newline', input: { isBranchDeployment: true, name: 'a\u0000\nb' }, want: '_dagster_a__b' },
  { note: 'full-width digits are not ASCII digits', input: { isBranchDeployment: true, name: '４２' }, want: '_dagster___' },
  { note: 'outside a branch deployment a hostile name changes nothing', input: { isBranchDeployment: false, name: '../x' }, want: '' },
];

describe('shadowSuffix', () => {
  for (const row of ROWS) {
    it(row.note, () => {
      const got = shadowSuffix(row.input);
      assert.equal(got, row.want);
      if (got !== '') assert.match(got, SAFE);
    });
  }

  it('keeps a very long name whole, every character safe', () => {
    const name = 'ä-'.repeat(50_000);
    const got = shadowSuffix({ isBranchDeployment: true, name });
    assert.equal(got.length, '_dagster_'.length + name.length);
    assert.match(got, SAFE);
  });
});
