// Branch against production, by Dagster+'s rules (dagster's AssetGraphDiffer, read, not copied):
//
// - Identity is (code location, repository, asset key). Dagster diffs per location and repository
//   because two locations may define the same key (the UI lists such collisions), and one would
//   hide the other in a graph keyed by asset key alone. So an asset moved to another location is
//   NEW there (and REMOVED where it was).
// - Only locations and repositories the branch serves are compared: Dagster+ diffs each branch
//   location against the same one in the base deployment, so a location the branch deployment does
//   not load is not "removed".
// - NEW: not in production. REMOVED: in production, not in the branch. Otherwise, each that applies:
//   CODE_VERSION (code_version differs, null included), DEPENDENCIES (the set of parents differs, or
//   a parent's partition mapping does), PARTITIONS_DEFINITION, TAGS (as a map), METADATA (as a map).
//
// Downstream reach: every unchanged branch asset that depends, directly or transitively, on a
// changed or removed key. Edges name keys only (they cross locations). One reverse adjacency, one
// breadth-first walk: linear in assets plus edges.

import { CHANGE_REASONS, keyId, SEPARATOR, type AssetDefinition, type AssetDependency, type AssetGraph, type AssetImpact, type ChangeReason, type ChangedAsset, type ComputedFor, type ImpactedAsset } from './types.js';

export function classifyImpact(branch: AssetGraph, production: AssetGraph, computedFor: ComputedFor): AssetImpact {
  const assets = branch.assets;
  // Every identity string is built once per definition: classification is string equality.
  const keys = assets.map((a) => keyId(a.key));
  const ids = assets.map((a, i) => repoId(a) + keys[i]!);
  const repos = new Set(assets.map(repoId));
  const base = new Map<string, AssetDefinition>();
  for (const a of production.assets) {
    const repo = repoId(a);
    if (repos.has(repo)) base.set(repo + keyId(a.key), a);
  }

  const changed: ChangedAsset[] = [];
  const isUnchanged = new Uint8Array(assets.length);
  const seen = new Set<string>();
  const seeds = new Set<string>();
  for (let i = 0; i < assets.length; i++) {
    const a = assets[i]!;
    const id = ids[i]!;
    // A webserver lists an asset once per repository; a repeat would be counted twice.
    if (seen.has(id)) continue;
    seen.add(id);
    const before = base.get(id);
    const reasons = before === undefined ? (['NEW'] as const) : compare(before, a);
    if (reasons.length === 0) isUnchanged[i] = 1;
    else {
      changed.push({ ...shown(a), reasons });
      seeds.add(keys[i]!);
    }
  }
  for (const [id, a] of base) {
    if (seen.has(id)) continue;
    changed.push({ ...shown(a), reasons: ['REMOVED'] });
    seeds.add(keyId(a.key));
  }

  const downstream = reach(assets, keys, seeds, isUnchanged).map((i) => shown(assets[i]!));
  const counts = Object.fromEntries(CHANGE_REASONS.map((r) => [r, 0])) as Record<ChangeReason, number>;
  for (const a of changed) for (const r of a.reasons) counts[r]++;
  return { computedFor, assets: sortByKey(changed), downstream: sortByKey(downstream), counts };
}

/** The reasons for one asset present on both sides, in CHANGE_REASONS order. */
export function compare(before: AssetDefinition, after: AssetDefinition): ChangeReason[] {
  const reasons: ChangeReason[] = [];
  if (before.codeVersion !== after.codeVersion) reasons.push('CODE_VERSION');
  if (!sameDependencies(before.dependencies, after.dependencies)) reasons.push('DEPENDENCIES');
  if (before.partitions !== after.partitions) reasons.push('PARTITIONS_DEFINITION');
  if (!sameMap(before.tags, after.tags)) reasons.push('TAGS');
  if (!sameMap(before.metadata, after.metadata)) reasons.push('METADATA');
  return reasons;
}

/**
 * Parents as a set, each with its partition mapping: equal iff Dagster sees no DEPENDENCIES
 * change (a different set of parents, or a parent whose mapping changed). Same order is the
 * common case and needs no set.
 */
function sameDependencies(x: readonly AssetDependency[], y: readonly AssetDependency[]): boolean {
  if (x.length === y.length) {
    let same = true;
    for (let i = 0; i < x.length && same; i++) same = x[i]!.partitionMapping === y[i]!.partitionMapping && samePath(x[i]!.key, y[i]!.key);
    if (same) return true;
  }
  // null and '' are different mappings: the flag keeps them apart.
  const edge = (d: AssetDependency): string => keyId(d.key) + SEPARATOR + (d.partitionMapping === null ? '0' : `1${d.partitionMapping}`);
  const xs = new Set(x.map(edge));
  const ys = new Set(y.map(edge));
  if (xs.size !== ys.size) return false;
  for (const e of xs) if (!ys.has(e)) return false;
  return true;
}

function samePath(x: readonly string[], y: readonly string[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function sameMap(x: Readonly<Record<string, string>>, y: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) if (!Object.hasOwn(y, k) || x[k] !== y[k]) return false;
  return true;
}

/** Indexes of unchanged assets reachable along reversed dependency edges from the seed keys. */
function reach(assets: readonly AssetDefinition[], keys: readonly string[], seeds: ReadonlySet<string>, isUnchanged: Uint8Array): number[] {
  const children = new Map<string, number[]>();
  for (let i = 0; i < assets.length; i++) {
    for (const d of assets[i]!.dependencies) {
      const k = keyId(d.key);
      const list = children.get(k);
      if (list === undefined) children.set(k, [i]);
      else list.push(i);
    }
  }
  const visited = new Set<string>(seeds);
  const queue = [...seeds];
  const out: number[] = [];
  const added = new Uint8Array(assets.length);
  for (let q = 0; q < queue.length; q++) {
    for (const i of children.get(queue[q]!) ?? []) {
      if (isUnchanged[i] === 1 && added[i] === 0) {
        added[i] = 1;
        out.push(i);
      }
      const k = keys[i]!;
      if (!visited.has(k)) {
        visited.add(k);
        queue.push(k);
      }
    }
  }
  return out;
}

function shown(a: AssetDefinition): ImpactedAsset {
  return { key: a.key, location: a.location, repository: a.repository, group: a.group, tags: a.tags, owners: a.owners };
}

/** definitionId's prefix: location and repository, closed by a double separator (keys have no empty parts). */
function repoId(a: AssetDefinition): string {
  return a.location + SEPARATOR + a.repository + SEPARATOR + SEPARATOR;
}

function sortByKey<T extends ImpactedAsset>(items: T[]): T[] {
  const keyed = items.map((item) => ({ item, k: keyId(item.key) + SEPARATOR + SEPARATOR + item.location + SEPARATOR + item.repository }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((e) => e.item);
}
