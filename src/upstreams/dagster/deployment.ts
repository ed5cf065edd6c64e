// Which Dagster deployment a route serves: the main one, or a branch deployment built for one git
// branch or Gerrit change (config `upstreams.dagster.deployment`). Policy sees it as
// `resource.deployment` (the default policy lets `ci` launch only in branch deployments), and a
// branch deployment's change is stamped on the runs launched there.

import type { ChangeRef } from '../../pipeline/types.js';
import { changeFromHeader } from './change.js';

export type DagsterDeployment =
  | { readonly kind: 'main'; readonly name: string }
  | { readonly kind: 'branch'; readonly name: string; readonly gitBranch?: string; readonly change?: ChangeRef };

/** What Rego sees: `branch` says whether this is a branch deployment. */
export interface DeploymentInput {
  readonly name: string;
  readonly branch: boolean;
  readonly gitBranch?: string;
  readonly change?: { readonly number?: number; readonly changeId?: string };
}

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

export function deploymentInput(deployment: DagsterDeployment): DeploymentInput {
  if (deployment.kind === 'main') return { name: deployment.name, branch: false };
  const change = deployment.change;
  return {
    name: deployment.name,
    branch: true,
    ...(deployment.gitBranch === undefined ? {} : { gitBranch: deployment.gitBranch }),
    ...(change === undefined ? {} : { change: { ...(change.number === undefined ? {} : { number: change.number }), ...(change.changeId === undefined ? {} : { changeId: change.changeId }) } }),
  };
}
