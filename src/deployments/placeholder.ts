// The route under every branch deployment's prefix (/dagster/changes, for
// /dagster/changes/{change}): a ready deployment's own, longer route wins, so this one answers
// only for changes without a webserver serving, and says why: 404 for a change that never had a
// deployment, 503 while one is queued, starting or failed, 410 once the change closed. Without
// it such a request would fall through to the production Dagster under a shorter prefix.
//
// It runs as an upstream, after authentication and with a refusal record, so an anonymous caller
// learns nothing and every answer is audited.

import { ChangegateError } from '../errors.js';
import type { Upstream, UpstreamRoute } from '../pipeline/types.js';
import type { UpstreamName } from '../policy/types.js';
import type { DeploymentRecord } from './registry.js';

export interface PlaceholderOptions {
  readonly kind: UpstreamName;
  /** The deployment prefix without its last `/{change}` segment. */
  readonly prefix: string;
  readonly timeoutMs: number;
  lookup(change: number): DeploymentRecord | undefined;
}

export const PLACEHOLDER_NAME = 'branch-deployments';

export function placeholderUpstream(o: PlaceholderOptions): Upstream {
  const route: UpstreamRoute = { target: new URL('http://127.0.0.1:9/'), host: undefined, prefix: o.prefix, timeoutMs: o.timeoutMs };
  return {
    kind: o.kind,
    name: PLACEHOLDER_NAME,
    route,
    classifier: {
      classify: async ({ target }) => {
        throw refusal(target.path.slice(o.prefix.length), o.lookup);
      },
    },
    stamping: {},
    effects: [],
  };
}

function refusal(below: string, lookup: PlaceholderOptions['lookup']): ChangegateError {
  const m = /^\/([1-9][0-9]{0,9})(?:[/?]|$)/.exec(below);
  if (m === null) return new ChangegateError('not_found', 'branch deployments are served at /<change number>/ below this path');
  const change = Number(m[1]);
  const record = lookup(change);
  const details = { change };
  if (record === undefined) return new ChangegateError('not_found', `change ${change} has no branch deployment; it is created when an open change of a configured project gets a patch set`, { details });
  const s = record.state;
  switch (s.status) {
    case 'closed':
      return new ChangegateError('gone', `change ${change} was ${s.reason === 'MERGED' ? 'merged' : 'abandoned'} at ${s.at}; its branch deployment was torn down`, { details: { ...details, status: s.reason } });
    case 'queued':
      return new ChangegateError('deployment_unavailable', `the branch deployment of change ${change} is waiting for a free slot (deployments.maxConcurrent)`, { details: { ...details, status: s.status }, headers: { 'retry-after': '30' } });
    case 'starting':
      return new ChangegateError('deployment_unavailable', `the branch deployment of change ${change} (patch set ${record.change.patchset}) is starting`, { details: { ...details, status: s.status }, headers: { 'retry-after': '5' } });
    case 'failed':
      return new ChangegateError('deployment_unavailable', `the branch deployment of change ${change} (patch set ${record.change.patchset}) failed to start: ${s.error.slice(0, 300)}`, { details: { ...details, status: s.status } });
    case 'ready':
      // Between the registry and the route table; the next request finds the webserver.
      return new ChangegateError('deployment_unavailable', `the branch deployment of change ${change} is being routed`, { details: { ...details, status: s.status }, headers: { 'retry-after': '1' } });
  }
}
