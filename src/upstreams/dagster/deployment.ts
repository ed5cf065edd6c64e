// Which Dagster deployment a route serves: the main one, a branch deployment declared in the
// config (`upstreams.dagster.deployment`, for one git branch or Gerrit change), or a branch
// deployment the deployments controller built for a Gerrit change (issue 16), which carries the
// whole change. Policy sees it as `resource.deployment` in every Dagster input, and a branch
// deployment's change is stamped on the runs launched there (run-tags.ts).

import type { ChangeRef } from '../../pipeline/types.js';
import type { BranchChange, BranchChangeStatus } from './branch/change.js';
import { branchDeploymentName } from './branch/change.js';
import { shadowSuffix } from './branch/shadow-suffix.js';
import { changeFromHeader } from './change.js';

/** The change as policy sees it: everything but the commit. */
export type DeploymentChange = Omit<BranchChange, 'commit'>;

export type DagsterDeployment =
  | { readonly kind: 'main'; readonly name: string }
  /** From the config: a branch, a change (number and/or Change-Id), or both. */
  | { readonly kind: 'branch'; readonly name: string; readonly gitBranch?: string; readonly change?: ChangeRef }
  /** Built by the deployments controller for one patch set of a Gerrit change. */
  | { readonly kind: 'change'; readonly name: string; readonly change: DeploymentChange; readonly gitSha: string };

/** Read per request, so the controller can flip a change's status without rebuilding the upstream. */
export type DeploymentSource = () => DagsterDeployment;

/** What Rego sees as `resource.deployment`. */
export interface DeploymentInput {
  readonly name: string;
  readonly isBranchDeployment: boolean;
  /** Same as isBranchDeployment: the name policies written before it use (the default one did). */
  readonly branch: boolean;
  readonly gitBranch?: string;
  readonly change?: DeploymentChangeInput;
  readonly gitSha?: string;
  /** What runs launched here write their tables with (CHANGEGATE_SHADOW_SUFFIX); absent in main. */
  readonly shadowSuffix?: string;
}

/** A config-built deployment knows only what its `change` names: number and/or Change-Id. */
export type DeploymentChangeInput =
  | { readonly number: number; readonly id: string; readonly project: string; readonly branch: string; readonly patchset: number; readonly owner: string; readonly reviewers: readonly string[]; readonly status: BranchChangeStatus }
  | { readonly number?: number; readonly id?: string };

export const MAIN_DEPLOYMENT: DagsterDeployment = { kind: 'main', name: 'default' };

export interface DeploymentConfig {
  readonly name: string;
  readonly branch?: string | undefined;
  readonly change?: number | string | undefined;
}

/** A deployment that names a branch or a change is a branch deployment; one with neither is main. */
export function deploymentFromConfig(config: DeploymentConfig | undefined): DagsterDeployment {
  if (config === undefined) return MAIN_DEPLOYMENT;
  const change = config.change === undefined ? undefined : changeFromHeader(String(config.change));
  if (config.branch === undefined && change === undefined) return { kind: 'main', name: config.name };
  return { kind: 'branch', name: config.name, ...(config.branch === undefined ? {} : { gitBranch: config.branch }), ...(change === undefined ? {} : { change }) };
}

/**
 * The deployment the controller runs for a change's current patch set (a ChangeSnapshot fits).
 * Build a new one when the change changes (a status flip, a reviewer added) and have the
 * upstream's `deployment` getter return it; the same object is cheap to read again.
 */
export function changeDeployment(change: BranchChange): DagsterDeployment {
  const { number, id, project, branch, patchset, owner, status } = change;
  return {
    kind: 'change',
    name: branchDeploymentName(number),
    change: Object.freeze({ number, id, project, branch, patchset, owner, reviewers: Object.freeze([...change.reviewers]), status }),
    gitSha: change.commit.sha,
  };
}

/** The change a branch deployment was built for, as stamping and X-Gerrit-Change checks see it. */
export function deploymentChangeRef(deployment: DagsterDeployment): ChangeRef | undefined {
  if (deployment.kind === 'branch') return deployment.change;
  if (deployment.kind === 'change') {
    const c = deployment.change;
    return { number: c.number, changeId: c.id, project: c.project, branch: c.branch };
  }
  return undefined;
}

export function isBranchDeployment(deployment: DagsterDeployment): boolean {
  return deployment.kind !== 'main';
}

/** The shadow suffix of a deployment: '' for main (branch/shadow-suffix.ts). */
export function deploymentShadowSuffix(deployment: DagsterDeployment): string {
  return shadowSuffix({ isBranchDeployment: isBranchDeployment(deployment), change: deploymentChangeRef(deployment)?.number, name: deployment.name });
}

// Built once per deployment object: the controller hands out a new object only when something
// changed, so a request pays a lookup, not a rebuild (and the decision cache sees equal JSON).
const inputs = new WeakMap<DagsterDeployment, DeploymentInput>();

export function deploymentInput(deployment: DagsterDeployment): DeploymentInput {
  let input = inputs.get(deployment);
  if (input === undefined) {
    input = buildInput(deployment);
    inputs.set(deployment, input);
  }
  return input;
}

function buildInput(deployment: DagsterDeployment): DeploymentInput {
  if (deployment.kind === 'main') return { name: deployment.name, isBranchDeployment: false, branch: false };
  const suffix = deploymentShadowSuffix(deployment);
  if (deployment.kind === 'change') {
    return { name: deployment.name, isBranchDeployment: true, branch: true, change: deployment.change, gitSha: deployment.gitSha, shadowSuffix: suffix };
  }
  const change = deployment.change;
  return {
    name: deployment.name,
    isBranchDeployment: true,
    branch: true,
    ...(deployment.gitBranch === undefined ? {} : { gitBranch: deployment.gitBranch }),
    ...(change === undefined ? {} : { change: { ...(change.number === undefined ? {} : { number: change.number }), ...(change.changeId === undefined ? {} : { id: change.changeId }) } }),
    shadowSuffix: suffix,
  };
}

/** A fixed deployment or a getter, as a getter (main when absent). */
export function deploymentSource(source: DagsterDeployment | DeploymentSource | undefined): DeploymentSource {
  if (typeof source === 'function') return source;
  const fixed = source ?? MAIN_DEPLOYMENT;
  return () => fixed;
}
