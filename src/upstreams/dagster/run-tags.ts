// The tags Changegate stamps on every run a mutation creates (graphql/stamp-tags.ts writes them,
// after dropping any client copy of a reserved key): who asked and in which request, the Gerrit
// change the run is for, and in a branch deployment which deployment it ran in and the shadow
// suffix its tables carry, so a run can be traced to its change from Dagster alone.

import { isAuthenticated, type Identity } from '../../identity/types.js';
import type { ChangeRef } from '../../pipeline/types.js';
import { changeTags } from './change.js';
import { deploymentShadowSuffix, type DagsterDeployment } from './deployment.js';
import type { Tag } from './graphql/stamp-tags.js';

export const DEPLOYMENT_TAG = 'changegate/deployment';
export const SHADOW_SUFFIX_TAG = 'changegate/shadow-suffix';
export const PATCHSET_TAG = 'gerrit/patchset';

export function runTags(identity: Identity, requestId: string, change: ChangeRef | undefined, deployment: DagsterDeployment): Tag[] {
  const user = isAuthenticated(identity) ? (identity.email ?? identity.username) : 'anonymous';
  return [{ key: 'user', value: user }, { key: 'changegate/request-id', value: requestId }, ...changeTags(change), ...deploymentTags(deployment)];
}

/** Nothing in main; in a branch deployment its name and shadow suffix, and the patch set it runs when known. */
export function deploymentTags(deployment: DagsterDeployment): Tag[] {
  if (deployment.kind === 'main') return [];
  return [
    ...(deployment.kind === 'change' ? [{ key: PATCHSET_TAG, value: String(deployment.change.patchset) }] : []),
    { key: DEPLOYMENT_TAG, value: deployment.name },
    { key: SHADOW_SUFFIX_TAG, value: deploymentShadowSuffix(deployment) },
  ];
}
