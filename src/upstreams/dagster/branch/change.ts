// The Gerrit change a branch deployment is built for, as this upstream needs it: the fields of
// src/deployments/types.ts's ChangeSnapshot (this upstream may not import it; TypeScript's
// structural typing lets a ChangeSnapshot be passed wherever a BranchChange is expected).

export type BranchChangeStatus = 'OPEN' | 'MERGED' | 'CLOSED';

/** The patch set's commit, as Dagster+'s DAGSTER_CLOUD_GIT_* variables describe it. */
export interface BranchCommit {
  readonly sha: string;
  /** ISO-8601 with a zone, Gerrit's "YYYY-MM-DD hh:mm:ss.fffffffff" (UTC), or Unix seconds. */
  readonly timestamp: string;
  readonly authorName: string;
  readonly authorEmail: string;
  readonly message: string;
}

export interface BranchChange {
  readonly number: number;
  /** The Change-Id (I + 40 hex). */
  readonly id: string;
  readonly project: string;
  /** The target branch, without refs/heads/. */
  readonly branch: string;
  readonly status: BranchChangeStatus;
  /** The owner's Gerrit user name, or their email when they have none. */
  readonly owner: string;
  /** User names of the change's reviewers (CC excluded). */
  readonly reviewers: readonly string[];
  readonly patchset: number;
  readonly commit: BranchCommit;
}

/** Dagster+'s deployment name for a change's branch deployment; unique and DNS-safe. */
export function branchDeploymentName(change: number): string {
  return `gerrit-change-${change}`;
}
