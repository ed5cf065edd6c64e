// The shadow suffix a branch deployment's code appends to the schemas and tables it writes, so a
// change's runs never touch production's. The rules are dagster-rocky's
// `branch_deploy_shadow_suffix()` (dagster_rocky/branch_deploy.py, read, not copied), so a team
// gets the same table names from Changegate's CHANGEGATE_SHADOW_SUFFIX as from that helper on
// Dagster+:
//
// | deployment                              | suffix                    |
// |-----------------------------------------|---------------------------|
// | not a branch deployment                 | '' (dagster-rocky: None)  |
// | for a change (positive integer number)  | `_dagster_pr_{change}`    |
// | named, without a (valid) change         | `_dagster_{name}`, every character outside [A-Za-z0-9_] -> `_` |
// | neither (or an empty name)              | `_dagster_branch`         |
//
// One deliberate difference: dagster-rocky keeps what Python's str.isalnum() accepts, which
// includes non-ASCII letters and digits (`é`, `١`); we replace everything outside ASCII
// [A-Za-z0-9_], as the issue specifies, because the suffix ends up in SQL identifiers that most
// warehouses only accept unquoted in ASCII. For ASCII names both give the same result. Like
// dagster-rocky, we replace per code point (one emoji is one `_`, not two) and do not shorten a
// long name: a database that limits identifier length refuses it loudly rather than two
// deployments silently sharing a truncated suffix.

export interface ShadowSuffixInput {
  readonly isBranchDeployment: boolean;
  /** The Gerrit change (Dagster+'s pull request) the deployment was built for, if any. */
  readonly change?: number | undefined;
  /** The deployment's name (DAGSTER_CLOUD_DEPLOYMENT_NAME). */
  readonly name?: string | undefined;
}

/** Matches one code point outside [A-Za-z0-9_] (the `u` flag makes an astral character one match). */
const UNSAFE = /[^A-Za-z0-9_]/gu;

export function shadowSuffix(input: ShadowSuffixInput): string {
  if (!input.isBranchDeployment) return '';
  // dagster-rocky takes only a positive integer as the PR id; anything else falls through to the
  // name rather than being written into an identifier.
  if (input.change !== undefined && Number.isSafeInteger(input.change) && input.change > 0) return `_dagster_pr_${input.change}`;
  if (input.name !== undefined && input.name !== '') return `_dagster_${input.name.replace(UNSAFE, '_')}`;
  return '_dagster_branch';
}
