// A deployment step as an audit record: a decision record whose subject is Changegate itself
// (null: no person acted through us), whose action names the step, and whose change is the
// Gerrit change, so `changegate audit query --change N` lists a deployment's whole life beside
// the reviews, pushes and runs of the same change.

import { randomUUID } from 'node:crypto';
import type { DecisionRecord } from '../audit/types.js';
import type { UpstreamName } from '../policy/types.js';
import type { DeploymentStep } from './controller.js';
import type { DeploymentRecord } from './registry.js';

export function stepRecord(kind: UpstreamName, step: DeploymentStep, r: DeploymentRecord, details: Readonly<Record<string, unknown>>, now: Date): DecisionRecord {
  return {
    kind: 'decision',
    time: now.toISOString(),
    requestId: `deployment-${r.change.number}-${step}-${randomUUID().slice(0, 8)}`,
    subject: null,
    action: `deployment.${step}`,
    resource: {
      upstream: kind,
      deployment: { name: r.name, pathPrefix: r.pathPrefix, patchset: r.change.patchset, gitSha: r.change.commit.sha, status: r.state.status },
      ...details,
    },
    change: { number: r.change.number, changeId: r.change.id, project: r.change.project, branch: r.change.branch },
    decision: { allow: true, reasons: [step], revision: 'none' },
    request: { method: 'INTERNAL', path: r.pathPrefix, ip: '', userAgent: 'changegate/deployments' },
  };
}
