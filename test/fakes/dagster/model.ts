// The stand-in's in-memory Dagster instance: two code locations with jobs, schedules and sensors,
// and the runs and backfills that mutations create, so a launched run shows up in later queries.

import { randomUUID } from 'node:crypto';
import type { AssetDef, DefinitionSource, LocationState } from './definitions.js';

export const REPOSITORY = '__repository__';

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface JobRef {
  readonly location: string;
  readonly repository: string;
  readonly name: string;
}

export type RunStatus = 'QUEUED' | 'STARTED' | 'SUCCESS' | 'FAILURE' | 'CANCELED';

export interface StoredRun {
  readonly runId: string;
  readonly job: JobRef;
  status: RunStatus;
  readonly tags: readonly Tag[];
  readonly parentRunId: string | null;
  readonly rootRunId: string | null;
  readonly creationTime: number;
  readonly runConfigYaml: string;
}

export interface Instigator {
  readonly type: 'SCHEDULE' | 'SENSOR';
  readonly name: string;
  readonly location: string;
  readonly jobName: string;
  /** The InstigationState id, the origin id and the selector id: the ids stop mutations send. */
  readonly id: string;
  readonly originId: string;
  readonly selectorId: string;
  status: 'RUNNING' | 'STOPPED';
  cursor: string | null;
}

export interface Backfill {
  readonly backfillId: string;
  readonly tags: readonly Tag[];
  readonly partitionNames: readonly string[];
  readonly partitionSetName: string | null;
  status: 'REQUESTED' | 'CANCELED';
  readonly creationTime: number;
}

export interface LocationDef {
  readonly name: string;
  readonly jobs: readonly string[];
  readonly schedules: readonly (readonly [name: string, job: string])[];
  readonly sensors: readonly (readonly [name: string, job: string])[];
  /** Asset definitions (assetNodes); none when absent. */
  readonly assets?: readonly AssetDef[];
}

export const DEFAULT_LOCATIONS: readonly LocationDef[] = [
  { name: 'demo_location', jobs: ['demo_job', 'nightly_etl'], schedules: [['daily_demo_schedule', 'nightly_etl']], sensors: [['new_file_sensor', 'demo_job']] },
  { name: 'finance', jobs: ['ledger_job', 'payroll_job'], schedules: [['month_end_close', 'ledger_job']], sensors: [['invoice_sensor', 'payroll_job']] },
];

export function entryName(e: LocationState): string {
  return e.status === 'loaded' ? e.def.name : e.name;
}

function shortId(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

export class DagsterModel {
  /** Every workspace entry, loaded or failed, in workspace order. Replaced on reload. */
  entries: LocationState[];
  readonly runs = new Map<string, StoredRun>();
  readonly backfills = new Map<string, Backfill>();
  readonly instigators: Instigator[] = [];
  readonly wipedAssets: string[][] = [];
  readonly #source: DefinitionSource | undefined;
  /** Bumped each time a location is loaded again: the entry's `versionKey`, as Dagster changes it on reload. */
  readonly #versions = new Map<string, number>();
  #clock = Date.now() / 1000;

  /**
   * Fixed locations (two seeded runs, for the UI and the proxy tests), or a definition source read
   * now and again on every reload (no seeded runs: a fresh branch deployment has none).
   */
  constructor(init: readonly LocationDef[] | DefinitionSource = DEFAULT_LOCATIONS) {
    const fixed = Array.isArray(init) ? (init as readonly LocationDef[]) : undefined;
    this.#source = fixed === undefined ? (init as DefinitionSource) : undefined;
    this.entries = fixed?.map((def) => ({ status: 'loaded', def }) as const) ?? this.#source?.loadAll() ?? [];
    for (const loc of this.locations) this.#addInstigators(loc);
    if (fixed === undefined) return;
    const first = fixed[0];
    const last = fixed[fixed.length - 1];
    if (first?.jobs[0] !== undefined) this.createRun(this.job(first.name, first.jobs[0]), [{ key: 'user', value: 'seed@example.test' }]).status = 'SUCCESS';
    if (last?.jobs[0] !== undefined) this.createRun(this.job(last.name, last.jobs[0]), [{ key: 'user', value: 'seed@example.test' }]).status = 'FAILURE';
  }

  /** The locations that loaded. */
  get locations(): readonly LocationDef[] {
    return this.entries.flatMap((e) => (e.status === 'loaded' ? [e.def] : []));
  }

  #addInstigators(loc: LocationDef): void {
    for (const [name, job] of loc.schedules) this.#addInstigator('SCHEDULE', name, loc.name, job);
    for (const [name, job] of loc.sensors) this.#addInstigator('SENSOR', name, loc.name, job);
  }

  #addInstigator(type: Instigator['type'], name: string, location: string, jobName: string): void {
    this.instigators.push({ type, name, location, jobName, id: shortId('i'), originId: shortId('o'), selectorId: shortId('s'), status: 'STOPPED', cursor: null });
  }

  /** Swaps in a location's fresh definitions. Schedule and sensor state survives a reload (Dagster keeps it in its storage). */
  #replace(state: LocationState): void {
    const name = entryName(state);
    const before = this.instigators.filter((i) => i.location === name);
    const others = this.instigators.filter((i) => i.location !== name);
    this.instigators.splice(0, this.instigators.length, ...others);
    if (state.status === 'loaded') {
      const wanted: [Instigator['type'], string, string][] = [
        ...state.def.schedules.map(([n, j]) => ['SCHEDULE', n, j] as [Instigator['type'], string, string]),
        ...state.def.sensors.map(([n, j]) => ['SENSOR', n, j] as [Instigator['type'], string, string]),
      ];
      for (const [type, n, job] of wanted) {
        const kept = before.find((i) => i.type === type && i.name === n && i.jobName === job);
        if (kept === undefined) this.#addInstigator(type, n, name, job);
        else this.instigators.push(kept);
      }
    }
    this.#versions.set(name, (this.#versions.get(name) ?? 1) + 1);
    const at = this.entries.findIndex((e) => entryName(e) === name);
    if (at === -1) this.entries.push(state);
    else this.entries[at] = state;
  }

  /** How many times the location has been (re)loaded from its source, as a string; '1' for fixed locations. */
  versionKey(name: string): string {
    return String(this.#versions.get(name) ?? 1);
  }

  /** A workspace entry by name, loaded or not. */
  entry(name: string): LocationState | undefined {
    return this.entries.find((e) => entryName(e) === name);
  }

  /** Reads one location's code again (a fixed location stays as it is). Undefined when unknown. */
  reload(name: string): LocationState | undefined {
    const current = this.entry(name);
    if (current === undefined || this.#source === undefined) return current;
    const fresh = this.#source.loadOne(name);
    if (fresh !== undefined) this.#replace(fresh);
    return fresh;
  }

  /** Reads the whole workspace again. */
  reloadAll(): void {
    if (this.#source === undefined) return;
    const fresh = this.#source.loadAll();
    const names = new Set(fresh.map(entryName));
    this.instigators.splice(0, this.instigators.length, ...this.instigators.filter((i) => names.has(i.location)));
    this.entries = [];
    for (const state of fresh) this.#replace(state);
  }

  location(name: string): LocationDef | undefined {
    const found = this.entry(name);
    return found?.status === 'loaded' ? found.def : undefined;
  }

  job(location: string, name: string): JobRef {
    return { location, repository: REPOSITORY, name };
  }

  /** The job a selector names, or undefined when the location, repository or job is unknown. */
  findJob(location: string, repository: string, name: string): JobRef | undefined {
    const loc = this.location(location);
    if (loc === undefined || repository !== REPOSITORY || !loc.jobs.includes(name)) return undefined;
    return this.job(location, name);
  }

  createRun(job: JobRef, tags: readonly Tag[], lineage: { parentRunId?: string | null; rootRunId?: string | null } = {}): StoredRun {
    this.#clock += 1;
    const run: StoredRun = {
      runId: randomUUID(),
      job,
      status: 'STARTED',
      tags: tags.map((t) => ({ key: t.key, value: t.value })),
      parentRunId: lineage.parentRunId ?? null,
      rootRunId: lineage.rootRunId ?? lineage.parentRunId ?? null,
      creationTime: this.#clock,
      runConfigYaml: '{}\n',
    };
    this.runs.set(run.runId, run);
    return run;
  }

  /** Newest first, as the UI lists them. */
  listRuns(): StoredRun[] {
    return [...this.runs.values()].reverse();
  }

  createBackfill(tags: readonly Tag[], partitionNames: readonly string[], partitionSetName: string | null): Backfill {
    this.#clock += 1;
    const backfill: Backfill = { backfillId: shortId(''), tags: tags.map((t) => ({ key: t.key, value: t.value })), partitionNames: [...partitionNames], partitionSetName, status: 'REQUESTED', creationTime: this.#clock };
    this.backfills.set(backfill.backfillId, backfill);
    return backfill;
  }

  instigator(type: Instigator['type'], location: string, name: string): Instigator | undefined {
    return this.instigators.find((i) => i.type === type && i.location === location && i.name === name);
  }

  /** Stop mutations name the state by any of its ids. */
  instigatorById(type: Instigator['type'], ids: readonly (string | null | undefined)[]): Instigator | undefined {
    const wanted = ids.filter((id): id is string => typeof id === 'string');
    return this.instigators.find((i) => i.type === type && wanted.some((id) => id === i.id || id === i.originId || id === i.selectorId));
  }
}
