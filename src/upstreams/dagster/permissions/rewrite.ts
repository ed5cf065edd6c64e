// Rewrites Dagster's permission answers for the signed-in user: each one becomes Dagster's
// value AND what our policy says for the same action, and a refused one carries the policy's
// reasons as `disabledReason`, which the UI shows on the greyed-out button.
//
// Each answer is decided for the location and job it belongs to: named by the query's
// arguments (plan.ts), or by the response object it sits in (a location entry's `name`, a
// run's `repositoryOrigin`, a job's `name`...), inherited downwards. Where neither says, the
// check runs without them, which a policy narrowed to locations refuses: the button is greyed
// out rather than shown for something the mutation would then refuse.

import { PERMISSION_ACTIONS, BOOLEAN_FIELDS } from './names.js';
import type { PermissionPlan, PermissionScope, PlanField } from './plan.js';
import { ownEntry } from '../../../util/own.js';

/** Asks the policy whether the caller may do `action` (in the location and job, when known). */
export type PermissionCheck = (action: string, scope: PermissionScope) => { readonly allow: boolean; readonly reasons: readonly string[] };

type Json = Record<string, unknown>;
type Verdict = ReturnType<PermissionCheck>;

/** Permission names Dagster may add that we do not know: asked as an unknown write (denied). */
const UNKNOWN_ACTION = 'dagster.write.unknown';

/**
 * Rewrites a complete, identity-encoded JSON response body. Returns undefined when nothing
 * changed or the body is not JSON (then forward the original bytes).
 */
export function rewritePermissionBody(body: Buffer, plan: PermissionPlan, check: PermissionCheck): Buffer | undefined {
  let response: unknown;
  try {
    response = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  return rewritePermissions(response, plan, check) > 0 ? Buffer.from(JSON.stringify(response), 'utf8') : undefined;
}

/** Rewrites `response` in place; returns how many answers were turned to false. */
export function rewritePermissions(response: unknown, plan: PermissionPlan, check: PermissionCheck): number {
  const data = isObject(response) ? response['data'] : undefined;
  if (!isObject(data)) return 0;
  let changed = 0;
  const cache = new Map<string, Verdict>();
  const decide = (action: string, scope: PermissionScope): Verdict => {
    const key = `${action}\0${scope.location ?? ''}\0${scope.job ?? ''}`;
    let hit = cache.get(key);
    if (hit === undefined) cache.set(key, (hit = check(action, scope)));
    return hit;
  };

  const walk = (value: unknown, fields: readonly PlanField[], inherited: PermissionScope): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, fields, inherited);
      return;
    }
    if (!isObject(value)) return;
    const scope = merge(inherited, ownScope(value, fields));
    const kind = instigatorKind(value, fields);
    for (const f of fields) {
      const v = value[f.key];
      if (v === undefined || v === null) continue;
      const mapped = ownEntry(BOOLEAN_FIELDS, f.name);
      if (mapped !== undefined && typeof v === 'boolean') {
        const actions = typeof mapped === 'string' ? [mapped] : kind === undefined ? [mapped.schedule, mapped.sensor] : [mapped[kind]];
        if (v && actions.some((a) => !decide(a, scope).allow)) {
          value[f.key] = false;
          changed++;
        }
      } else if (f.name === 'permissions' && Array.isArray(v)) {
        for (const item of v) changed += rewriteEntry(item, f.children, (action) => decide(action, scope));
      } else if (f.children.length > 0) {
        walk(v, f.children, f.scope ?? scope);
      }
    }
  };
  walk(data, plan.root, {});
  return changed;
}

function rewriteEntry(item: unknown, fields: readonly PlanField[], decide: (action: string) => Verdict): number {
  if (!isObject(item)) return 0;
  const permKey = keyOf(fields, 'permission');
  const valueKey = keyOf(fields, 'value');
  const reasonKey = keyOf(fields, 'disabledReason');
  if (permKey === undefined || valueKey === undefined || item[valueKey] !== true) return 0;
  const permission = item[permKey];
  const action = (typeof permission === 'string' ? ownEntry(PERMISSION_ACTIONS, permission) : undefined) ?? UNKNOWN_ACTION;
  const verdict = decide(action);
  if (verdict.allow) return 0;
  item[valueKey] = false;
  if (reasonKey !== undefined) item[reasonKey] = `Not allowed for you by Changegate policy (${verdict.reasons.join(', ') || 'no_rule_allows'})`;
  return 1;
}

/** Fields whose presence beside `name` mark a code location (entry, status entry, location). */
const LOCATION_MARKERS = ['locationOrLoadError', 'loadStatus', 'repositories'];
/** Fields only jobs (Pipeline, Job) have: beside them, `name` is the job's. */
const JOB_MARKERS = ['hasLaunchExecutionPermission', 'hasLaunchReexecutionPermission'];
/** Where objects name their location: runs and instigators by origin, jobs and assets by repository. */
const LOCATION_PATHS: readonly (readonly string[])[] = [
  ['repositoryLocationName'],
  ['repositoryOrigin', 'repositoryLocationName'],
  ['origin', 'repositoryLocationName'],
  ['repository', 'location', 'name'],
  ['repository', 'origin', 'repositoryLocationName'],
  ['location', 'name'],
];

function ownScope(value: Json, fields: readonly PlanField[]): PermissionScope {
  const name = stringAt(value, fields, ['name']);
  const has = (names: readonly string[]): boolean => fields.some((f) => names.includes(f.name));
  // Only the Query and location entries have `permissions`; an entry's id is its name too.
  const entryName = has(['permissions']) ? (name ?? stringAt(value, fields, ['id'])) : undefined;
  const location = entryName ?? (name !== undefined && has(LOCATION_MARKERS) ? name : firstString(value, fields, LOCATION_PATHS));
  const job = name !== undefined && has(JOB_MARKERS) ? name : stringAt(value, fields, ['pipelineName']) || stringAt(value, fields, ['jobName']);
  return { ...(location === undefined ? {} : { location }), ...(job === undefined ? {} : { job }) };
}

/** An object's own location and job win; an inherited job is dropped when the location changes. */
function merge(inherited: PermissionScope, own: PermissionScope): PermissionScope {
  const location = own.location ?? inherited.location;
  const job = own.job ?? (own.location !== undefined && own.location !== inherited.location ? undefined : inherited.job);
  return { ...(location === undefined ? {} : { location }), ...(job === undefined ? {} : { job }) };
}

/** InstigationState's start/stop permissions depend on its type; unknown means ask for both. */
function instigatorKind(value: Json, fields: readonly PlanField[]): 'schedule' | 'sensor' | undefined {
  const type = stringAt(value, fields, ['instigationType']);
  return type === 'SENSOR' ? 'sensor' : type === 'SCHEDULE' ? 'schedule' : undefined;
}

function firstString(value: Json, fields: readonly PlanField[], paths: readonly (readonly string[])[]): string | undefined {
  for (const path of paths) {
    const found = stringAt(value, fields, path);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Follows schema field names through the plan (whatever aliases the query used) to a string. */
function stringAt(value: unknown, fields: readonly PlanField[], path: readonly string[]): string | undefined {
  const [head, ...rest] = path;
  if (head === undefined) return typeof value === 'string' && value !== '' ? value : undefined;
  if (!isObject(value)) return undefined;
  for (const f of fields) {
    if (f.name !== head) continue;
    const found = stringAt(value[f.key], f.children, rest);
    if (found !== undefined) return found;
  }
  return undefined;
}

function keyOf(fields: readonly PlanField[], name: string): string | undefined {
  return fields.find((f) => f.name === name)?.key;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
