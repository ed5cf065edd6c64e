// Rewrites Dagster's permission answers for the signed-in user: each one becomes Dagster's
// value AND what our policy says for the same action, and a refused one carries the policy's
// reasons as `disabledReason`, which the UI shows on the greyed-out button.

import { PERMISSION_ACTIONS, BOOLEAN_FIELDS } from './names.js';
import type { PermissionPlan, PlanField } from './plan.js';

/** Asks the policy whether the caller may do `action` (in `location`, when known). */
export type PermissionCheck = (action: string, scope: { readonly location?: string }) => { readonly allow: boolean; readonly reasons: readonly string[] };

type Json = Record<string, unknown>;

export function rewritePermissions(response: unknown, plan: PermissionPlan, check: PermissionCheck): number {
  const data = isObject(response) ? response['data'] : undefined;
  if (!isObject(data)) return 0;
  let changed = 0;
  const cache = new Map<string, ReturnType<PermissionCheck>>();
  const decide = (action: string, location: string | undefined): ReturnType<PermissionCheck> => {
    const key = `${action}\0${location ?? ''}`;
    let hit = cache.get(key);
    if (hit === undefined) cache.set(key, (hit = check(action, location === undefined ? {} : { location })));
    return hit;
  };

  const walk = (value: unknown, fields: readonly PlanField[], depth: number): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, fields, depth);
      return;
    }
    if (!isObject(value)) return;
    // A location entry names itself; its permissions are scoped to it.
    const nameKey = fields.find((f) => f.name === 'name')?.key;
    const location = depth > 0 && nameKey !== undefined && typeof value[nameKey] === 'string' ? (value[nameKey] as string) : undefined;
    const typeKey = fields.find((f) => f.name === 'instigationType')?.key;
    const kind = typeKey !== undefined && value[typeKey] === 'SENSOR' ? 'sensor' : 'schedule';
    for (const f of fields) {
      const v = value[f.key];
      if (v === undefined || v === null) continue;
      const mapped = BOOLEAN_FIELDS[f.name];
      if (mapped !== undefined && typeof v === 'boolean') {
        const action = typeof mapped === 'string' ? mapped : mapped[kind];
        if (v && !decide(action, location).allow) {
          value[f.key] = false;
          changed++;
        }
      } else if (f.name === 'permissions' && Array.isArray(v)) {
        for (const item of v) changed += rewriteEntry(item, f.children, (action) => decide(action, location));
      } else if (f.children.length > 0) {
        walk(v, f.children, depth + 1);
      }
    }
  };
  walk(data, plan.root, 0);
  return changed;
}

function rewriteEntry(item: unknown, fields: readonly PlanField[], decide: (action: string) => ReturnType<PermissionCheck>): number {
  if (!isObject(item)) return 0;
  const key = (name: string): string | undefined => fields.find((f) => f.name === name)?.key;
  const permKey = key('permission');
  const valueKey = key('value');
  const reasonKey = key('disabledReason');
  if (permKey === undefined || valueKey === undefined || item[valueKey] !== true) return 0;
  const permission = item[permKey];
  const action = typeof permission === 'string' ? PERMISSION_ACTIONS[permission] : undefined;
  const verdict = action === undefined ? { allow: false, reasons: ['unknown_permission'] } : decide(action);
  if (verdict.allow) return 0;
  item[valueKey] = false;
  if (reasonKey !== undefined) item[reasonKey] = `Not allowed for you by Changegate policy (${verdict.reasons.join(', ') || 'no_rule_allows'})`;
  return 1;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
