// What a mutation argument says it touches: location, repository, job, schedule, sensor,
// partition set, runs, assets. Pure functions of the argument values.

import { assetKey, list, obj, str, type Obj } from './values.js';

export interface Scope {
  location?: string;
  repository?: string;
  job?: string;
  schedule?: string;
  sensor?: string;
  partitionSet?: string;
  runIds?: string[];
  assetKeys?: string[];
  backfillIds?: string[];
}

/** JobOrPipelineSelector: Dagster's job name is `pipelineName or jobName` (Python `or`). */
export function jobScope(selector: unknown): Scope {
  const s = obj(selector);
  if (s === undefined) return {};
  const job = str(s['pipelineName']) || str(s['jobName']);
  const assets = list(s['assetSelection']).map(assetKey).filter((k): k is string => k !== undefined);
  return compact({ location: str(s['repositoryLocationName']), repository: str(s['repositoryName']), job, assetKeys: assets.length > 0 ? assets : undefined });
}

export function repoScope(selector: unknown): Scope {
  const s = obj(selector);
  return compact({ location: str(s?.['repositoryLocationName']), repository: str(s?.['repositoryName']) });
}

export const scheduleScope = (key: string) => (args: Obj): Scope => ({ ...repoScope(args[key]), ...compact({ schedule: str(obj(args[key])?.['scheduleName']) }) });
export const sensorScope = (key: string) => (args: Obj): Scope => ({ ...repoScope(args[key]), ...compact({ sensor: str(obj(args[key])?.['sensorName']) }) });

export function backfillScope(args: Obj): Scope {
  const params = obj(args['backfillParams']);
  const selector = obj(params?.['selector']);
  const keys = [...list(params?.['assetSelection']).map(assetKey), ...list(params?.['partitionsByAssets']).map((p) => assetKey(obj(p)?.['assetKey']))];
  const assetKeys = keys.filter((k): k is string => k !== undefined);
  return { ...repoScope(selector?.['repositorySelector']), ...compact({ partitionSet: str(selector?.['partitionSetName']), assetKeys: assetKeys.length > 0 ? assetKeys : undefined }) };
}

export const assets = (read: (args: Obj) => unknown[]): ((args: Obj) => Scope) => (args) => {
  const keys = read(args).map(assetKey).filter((k): k is string => k !== undefined);
  return keys.length > 0 ? { assetKeys: keys } : {};
};

export const location = (args: Obj): Scope => compact({ location: str(args['repositoryLocationName']) });

/** Drops undefined and empty-list attributes, so Rego sees only what the request says. */
export function compact(scope: Record<string, string | string[] | undefined>): Scope {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(scope)) {
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as Scope;
}
