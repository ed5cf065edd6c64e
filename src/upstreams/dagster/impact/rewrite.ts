// Fills `AssetNode.changedReasons` in a branch deployment's GraphQL answers, which Dagster OSS
// always answers with [] (it has no base deployment to compare with), so the UI's own change
// badges and filters light up as in Dagster+.
//
// Finding the nodes: `changedReasons` is a field of AssetNode only (a test holds the schema to
// that), so any object the query selects it on is an AssetNode, wherever it sits (assetNodes,
// assetOrError -> definition, lineage, aliases, fragments). The query's merged selection tree
// (permissions/plan.ts, shared with the permission rewrite) gives the response keys: each alias
// of changedReasons, and those of assetKey.path, id and repository { name location { name } }
// which name the node. A node whose query selected neither assetKey nor id cannot be named and
// keeps Dagster's answer. A value is replaced only where Dagster's answer has the shape
// changedReasons has (a list of strings), and never on an object whose __typename says it is
// another type (a response key may be shared across a union's members).

import type { SelectedOperation } from '../graphql/document.js';
import { planSelections, type PermissionPlan, type PlanField } from '../permissions/plan.js';
import type { ChangedReasonsLookup, AssetWhere } from './lookup.js';
import type { AssetKeyPath } from './types.js';

type Json = Record<string, unknown>;

export type ReasonsPlan = PermissionPlan;

export function planChangedReasons(op: SelectedOperation): ReasonsPlan | undefined {
  return planSelections(op, (name) => name === 'changedReasons');
}

/** Rewrites a JSON response body; undefined when nothing changed or it is not JSON. */
export function rewriteChangedReasonsBody(body: Buffer, plan: ReasonsPlan, lookup: ChangedReasonsLookup): Buffer | undefined {
  let response: unknown;
  try {
    response = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  return rewriteChangedReasons(response, plan, lookup) > 0 ? Buffer.from(JSON.stringify(response), 'utf8') : undefined;
}

/** Rewrites `response` in place; returns how many values it replaced. */
export function rewriteChangedReasons(response: unknown, plan: ReasonsPlan, lookup: ChangedReasonsLookup): number {
  const data = isObject(response) ? response['data'] : undefined;
  if (!isObject(data)) return 0;
  let changed = 0;
  // Iterative: the response is Dagster's, its depth bounded only by the query's (plan limits).
  const stack: [unknown, readonly PlanField[]][] = [[data, plan.root]];
  while (stack.length > 0) {
    const [value, fields] = stack.pop()!;
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, fields]);
      continue;
    }
    if (!isObject(value)) continue;
    const reasonKeys = fields.filter((f) => f.name === 'changedReasons').map((f) => f.key);
    const typename = first(value, fields, ['__typename']);
    if (reasonKeys.length > 0 && (typename === undefined || typename === 'AssetNode')) {
      const reasons = reasonsOf(value, fields, lookup);
      for (const k of reasonKeys) {
        const current = value[k];
        if (reasons === undefined || !isStringList(current)) continue;
        if (current.length === reasons.length && current.every((r, i) => r === reasons[i])) continue;
        value[k] = [...reasons];
        changed++;
      }
    }
    for (const f of fields) if (f.children.length > 0 && value[f.key] !== undefined) stack.push([value[f.key], f.children]);
  }
  return changed;
}

function reasonsOf(node: Json, fields: readonly PlanField[], lookup: ChangedReasonsLookup): readonly string[] | undefined {
  const fromId = parseAssetNodeId(first(node, fields, ['id']));
  const key = keyPath(node, fields) ?? fromId?.key;
  if (key === undefined) return undefined;
  const location = first(node, fields, ['repository', 'location', 'name']);
  const repository = first(node, fields, ['repository', 'name']);
  const where: AssetWhere | undefined = location !== undefined && repository !== undefined ? { location, repository } : fromId?.where;
  return lookup.reasonsFor(key, where);
}

/**
 * AssetNode.id as Dagster builds it: `{location}.{repository}.{key as JSON}` (the key is
 * Python's json.dumps of the path: `["a", "b"]`), or the JSON alone without a repository.
 */
export function parseAssetNodeId(id: string | undefined): { key: AssetKeyPath; where?: AssetWhere } | undefined {
  if (id === undefined) return undefined;
  const at = id.startsWith('[') ? 0 : id.indexOf('.[');
  if (at < 0) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(id.slice(at === 0 ? 0 : at + 1));
  } catch {
    return undefined;
  }
  if (!Array.isArray(key) || key.length === 0 || !key.every((p): p is string => typeof p === 'string')) return undefined;
  if (at === 0) return { key };
  const prefix = id.slice(0, at);
  // Repository names are Python identifiers (no dots); location names may hold dots.
  const dot = prefix.lastIndexOf('.');
  if (dot <= 0 || dot === prefix.length - 1) return { key };
  return { key, where: { location: prefix.slice(0, dot), repository: prefix.slice(dot + 1) } };
}

/** assetKey { path } under any aliases: the first that is a non-empty list of strings. */
function keyPath(node: Json, fields: readonly PlanField[]): AssetKeyPath | undefined {
  for (const f of fields) {
    if (f.name !== 'assetKey') continue;
    const k = node[f.key];
    if (!isObject(k)) continue;
    for (const p of f.children) {
      const path = k[p.key];
      if (p.name === 'path' && isStringList(path) && path.length > 0) return path;
    }
  }
  return undefined;
}

/** Follows schema field names through the plan (whatever aliases the query used) to a string. */
function first(value: unknown, fields: readonly PlanField[], path: readonly string[]): string | undefined {
  const [head, ...rest] = path;
  if (head === undefined) return typeof value === 'string' && value !== '' ? value : undefined;
  if (!isObject(value)) return undefined;
  for (const f of fields) {
    if (f.name !== head) continue;
    const found = first(value[f.key], f.children, rest);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
