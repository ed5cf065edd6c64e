// What a Gerrit change does to the asset graph: the vocabulary shared by fetch (a webserver's
// definitions), classify (branch against production) and the message and rewrite built from the
// result. `AssetImpact` is plain JSON on purpose: it is stored, offered over the API, and is the
// policy's `resource.change.impact` as it stands.

/** Dagster's own `ChangeReason` values (GraphQL enum; Python's AssetDefinitionChangeType). */
export const CHANGE_REASONS = ['NEW', 'CODE_VERSION', 'DEPENDENCIES', 'PARTITIONS_DEFINITION', 'TAGS', 'METADATA', 'REMOVED'] as const;
export type ChangeReason = (typeof CHANGE_REASONS)[number];

/** An asset key's path, as Dagster's `AssetKey.path`: ['finance', 'ledger']. */
export type AssetKeyPath = readonly string[];

/** One upstream edge: the parent's key and how partitions map across it (null: Dagster's default). */
export interface AssetDependency {
  readonly key: AssetKeyPath;
  /** Canonical JSON of `partitionMapping {className description}`, or null. */
  readonly partitionMapping: string | null;
}

/**
 * One asset definition as a webserver reports it, reduced to what is compared or shown. The
 * compared parts are already canonical (sorted, JSON-encoded) so comparing is string equality.
 */
export interface AssetDefinition {
  readonly key: AssetKeyPath;
  readonly location: string;
  readonly repository: string;
  /** The asset's code_version (GraphQL `opVersion`). */
  readonly codeVersion: string | null;
  readonly dependencies: readonly AssetDependency[];
  /** Definition tags as a map: Dagster's tags are a dict, so order never matters. */
  readonly tags: Readonly<Record<string, string>>;
  /** label -> canonical JSON of the entry's typed value (a dict in Dagster: order never matters). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Canonical JSON of the partitions definition, or null when the asset is not partitioned. */
  readonly partitions: string | null;
  readonly group: string;
  /** `user@host` or `team:name`, as Dagster prints owners. */
  readonly owners: readonly string[];
  readonly kinds: readonly string[];
}

/** A webserver's whole asset graph (every location and repository it serves). */
export interface AssetGraph {
  readonly assets: readonly AssetDefinition[];
}

/** What the result was computed for: it is stale once the patch set or production moves on. */
export interface ComputedFor {
  readonly patchset: number;
  readonly gitSha: string;
  /** What production was at (its git sha, or a reload marker the caller chooses). */
  readonly productionRevision?: string;
}

/** An asset as the policy and the message see it. */
export interface ImpactedAsset {
  readonly key: AssetKeyPath;
  readonly location: string;
  readonly repository: string;
  readonly group: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly owners: readonly string[];
}

export interface ChangedAsset extends ImpactedAsset {
  /** Never empty; in CHANGE_REASONS order. */
  readonly reasons: readonly ChangeReason[];
}

export interface AssetImpact {
  readonly computedFor: ComputedFor;
  /** Every asset with at least one reason (removed ones with production's tags and owners), by key. */
  readonly assets: readonly ChangedAsset[];
  /** Unchanged branch assets downstream (directly or transitively) of a changed or removed one, by key. */
  readonly downstream: readonly ImpactedAsset[];
  /** Assets per reason; every reason present, zero included, so a policy can compare without defaults. */
  readonly counts: Readonly<Record<ChangeReason, number>>;
}

/**
 * Separates the parts of an identity string. Dagster's names never contain it, and fetch refuses
 * a key, location or repository that does (see fetch.ts), so joining on it is unambiguous and far
 * cheaper than JSON on 10,000-asset graphs.
 */
export const SEPARATOR = '\u0000';

/** The key alone, as dependency edges name it (they cross locations). */
export function keyId(key: AssetKeyPath): string {
  return key.join(SEPARATOR);
}

/** One identity per definition: location and repository are part of it, as in Dagster's differ. */
export function definitionId(location: string, repository: string, key: AssetKeyPath): string {
  return location + SEPARATOR + repository + SEPARATOR + SEPARATOR + keyId(key);
}
