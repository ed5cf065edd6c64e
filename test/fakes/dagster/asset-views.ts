// Asset definitions as AssetNode objects, as the webserver reports them from the code locations'
// snapshots: the definition fields only (no materializations; those fields resolve to
// placeholders). The asset graph spans the whole workspace, so `dependedByKeys` looks across
// every loaded location.

import type { AssetDef } from './definitions.js';
import { REPOSITORY, type DagsterModel } from './model.js';

type View = Record<string, unknown> & { readonly __typename: string };

export interface PlacedAsset {
  readonly location: string;
  readonly asset: AssetDef;
}

export function sameKey(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/** Python's json.dumps of the path, as Dagster's AssetKey.to_string() writes it into ids. */
function keyString(path: readonly string[]): string {
  return `[${path.map((p) => JSON.stringify(p)).join(', ')}]`;
}

/** Every asset of every loaded location, in workspace order. */
export function allAssets(model: DagsterModel): PlacedAsset[] {
  return model.locations.flatMap((l) => (l.assets ?? []).map((asset) => ({ location: l.name, asset })));
}

export function assetKeyView(path: readonly string[]): View {
  return { __typename: 'AssetKey', path: [...path] };
}

function ownerView(owner: string): View {
  // Dagster's owner strings: `team:<name>` is a team, anything else an email.
  return owner.startsWith('team:') ? { __typename: 'TeamAssetOwner', team: owner.slice('team:'.length) } : { __typename: 'UserAssetOwner', email: owner };
}

export function assetNodeView(model: DagsterModel, placed: PlacedAsset, repository: () => unknown): View {
  const { asset, location } = placed;
  const deps = asset.deps ?? [];
  const dependedBy = (): PlacedAsset[] => allAssets(model).filter((a) => (a.asset.deps ?? []).some((d) => sameKey(d, asset.key)));
  const node = (key: readonly string[]): PlacedAsset | undefined => allAssets(model).find((a) => sameKey(a.asset.key, key));
  const dependency = (p: PlacedAsset): View => ({ __typename: 'AssetDependency', asset: () => assetNodeView(model, p, repository), partitionMapping: null });
  const partitions = asset.partitions ?? null;
  return {
    __typename: 'AssetNode',
    id: `${location}.${REPOSITORY}.${keyString(asset.key)}`,
    assetKey: assetKeyView(asset.key),
    opVersion: asset.opVersion ?? null,
    dependencyKeys: deps.map(assetKeyView),
    dependedByKeys: () => dependedBy().map((a) => assetKeyView(a.asset.key)),
    dependencies: () => deps.flatMap((d) => {
      const found = node(d);
      return found === undefined ? [] : [dependency(found)];
    }),
    dependedBy: () => dependedBy().map(dependency),
    tags: Object.entries(asset.tags ?? {}).map(([key, value]) => ({ __typename: 'DefinitionTag', key, value })),
    metadataEntries: Object.entries(asset.metadata ?? {}).map(([label, text]) => ({ __typename: 'TextMetadataEntry', label, text, description: null })),
    partitionDefinition: partitions === null ? null : { __typename: 'PartitionDefinition', type: partitions.type, description: partitions.description, name: partitions.name ?? null, dimensionTypes: [], fmt: null },
    isPartitioned: partitions !== null,
    groupName: asset.group ?? 'default',
    owners: (asset.owners ?? []).map(ownerView),
    kinds: [...(asset.kinds ?? [])],
    computeKind: null,
    description: asset.description ?? null,
    // Dagster OSS has no base deployment to compare with, so it never reports changes.
    changedReasons: [],
    opName: asset.key.join('__'),
    opNames: [asset.key.join('__')],
    graphName: null,
    jobNames: [],
    isExecutable: true,
    isMaterializable: true,
    isObservable: false,
    isAutoCreatedStub: false,
    hasMaterializePermission: true,
    hasWipePermission: true,
    hasReportRunlessAssetEventPermission: true,
    hasAssetChecks: false,
    partitionKeys: [],
    pools: [],
    repository,
  };
}
