// What a lookup resolves ids to, and the interface every lookup implements.

export interface RunScope {
  readonly runId: string;
  readonly location?: string;
  readonly repository?: string;
  readonly job?: string;
}

export interface InstigatorScope {
  readonly type: 'schedule' | 'sensor';
  readonly name: string;
  readonly location: string;
  readonly repository: string;
}

export interface BackfillScope {
  readonly backfillId: string;
  /** Absent for asset backfills, which have no partition set (and so no single location). */
  readonly location?: string;
  readonly repository?: string;
  readonly partitionSet?: string;
  readonly assetKeys?: readonly string[];
}

export interface DagsterLookup {
  /** null when Dagster has no such backfill. */
  backfill(backfillId: string): Promise<BackfillScope | null>;
  /** null when Dagster has no such run. Throws ChangegateError when Dagster cannot be asked. */
  run(runId: string): Promise<RunScope | null>;
  /** The schedule or sensor with any of these ids (state id, origin id or selector id), or null. */
  instigator(type: 'schedule' | 'sensor', ids: readonly string[]): Promise<InstigatorScope | null>;
}
