// What one code location defines, as the stand-in reads it. There is no Python here, so instead of
// importing `defs.py` the stand-in reads a JSON sidecar beside it (`defs.json`; see DEFINITIONS.md)
// holding what the real code server would report: jobs, schedules, sensors, asset definitions, or
// the error the import raised. Tests build the same shapes in memory (`LocationDefinitions`).

import { z } from 'zod';
import type { LocationDef } from './model.js';

export type PartitionsType = 'TIME_WINDOW' | 'STATIC' | 'MULTIPARTITIONED' | 'DYNAMIC';

export interface PartitionsDef {
  readonly type: PartitionsType;
  readonly description: string;
  /** Set for a dynamic partitions definition (its name), null otherwise, as in Dagster. */
  readonly name?: string | null;
}

export interface AssetDef {
  /** The asset key's path, e.g. ['finance', 'ledger']. */
  readonly key: readonly string[];
  /** The asset's code_version (GraphQL `opVersion`). */
  readonly opVersion?: string | null;
  /** Upstream asset keys. */
  readonly deps?: readonly (readonly string[])[];
  readonly tags?: Readonly<Record<string, string>>;
  /** Text metadata entries, label -> text. */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly partitions?: PartitionsDef | null;
  /** Default 'default', as Dagster's. */
  readonly group?: string;
  /** `user@host` is a user owner, `team:name` a team owner (Dagster's owner strings). */
  readonly owners?: readonly string[];
  readonly kinds?: readonly string[];
  readonly description?: string | null;
}

/** A location that loaded: its jobs and assets. */
export interface LoadedLocationDefs {
  readonly name: string;
  readonly jobs?: readonly string[];
  readonly schedules?: readonly (readonly [name: string, job: string])[];
  readonly sensors?: readonly (readonly [name: string, job: string])[];
  readonly assets?: readonly AssetDef[];
  readonly loadError?: undefined;
}

/** A location whose code failed to import: the workspace shows a PythonError for it. */
export interface FailedLocationDefs {
  readonly name: string;
  readonly loadError: string;
}

export type LocationDefinitions = LoadedLocationDefs | FailedLocationDefs;

/** One workspace entry as the model holds it. */
export type LocationState =
  | { readonly status: 'loaded'; readonly def: LocationDef }
  | { readonly status: 'error'; readonly name: string; readonly message: string };

/** Where the model gets its definitions again when a location or the workspace is reloaded. */
export interface DefinitionSource {
  /** Every location, in workspace order. */
  loadAll(): LocationState[];
  /** One location, read afresh; undefined when the workspace does not name it. */
  loadOne(name: string): LocationState | undefined;
}

export function toState(defs: LocationDefinitions): LocationState {
  if (defs.loadError !== undefined) return { status: 'error', name: defs.name, message: defs.loadError };
  return {
    status: 'loaded',
    def: { name: defs.name, jobs: defs.jobs ?? [], schedules: defs.schedules ?? [], sensors: defs.sensors ?? [], assets: defs.assets ?? [] },
  };
}

/** In-memory definitions (startFakeDagster's `definitions`); `redefine` stages code for the next reload. */
export class StaticSource implements DefinitionSource {
  #defs: readonly LocationDefinitions[];

  constructor(defs: readonly LocationDefinitions[]) {
    this.#defs = defs;
  }

  redefine(defs: readonly LocationDefinitions[]): void {
    this.#defs = defs;
  }

  loadAll(): LocationState[] {
    return this.#defs.map(toState);
  }

  loadOne(name: string): LocationState | undefined {
    const found = this.#defs.find((d) => d.name === name);
    return found === undefined ? undefined : toState(found);
  }
}

const name = z.string().min(1).max(200);
const keyPath = z.array(name).min(1).max(20);
const pair = z.tuple([name, name]);

const asset = z.strictObject({
  key: keyPath,
  opVersion: z.string().max(200).nullable().optional(),
  deps: z.array(keyPath).max(1000).optional(),
  tags: z.record(z.string().max(200), z.string().max(1000)).optional(),
  metadata: z.record(z.string().max(200), z.string().max(10_000)).optional(),
  partitions: z.strictObject({
    type: z.enum(['TIME_WINDOW', 'STATIC', 'MULTIPARTITIONED', 'DYNAMIC']),
    description: z.string().max(10_000),
    name: z.string().max(200).nullable().optional(),
  }).nullable().optional(),
  group: name.optional(),
  owners: z.array(z.string().min(1).max(200)).max(100).optional(),
  kinds: z.array(name).max(100).optional(),
  description: z.string().max(10_000).nullable().optional(),
});

/** The sidecar file's shape. `loadError` alone is enough; with it, the rest is ignored. */
export const sidecarSchema = z.strictObject({
  jobs: z.array(name).max(1000).optional(),
  schedules: z.array(pair).max(1000).optional(),
  sensors: z.array(pair).max(1000).optional(),
  assets: z.array(asset).max(10_000).optional(),
  loadError: z.string().min(1).max(10_000).optional(),
});

/** A sidecar's text as a location's definitions; a malformed file is that location's load error. */
export function parseSidecar(location: string, file: string, text: string): LocationDefinitions {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { name: location, loadError: `${file}: not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  const parsed = sidecarSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    return { name: location, loadError: `${file}: not a stand-in definitions file (${issues.join('; ')})` };
  }
  const d = parsed.data;
  if (d.loadError !== undefined) return { name: location, loadError: d.loadError };
  return { name: location, jobs: d.jobs ?? [], schedules: d.schedules ?? [], sensors: d.sensors ?? [], assets: d.assets ?? [] };
}
