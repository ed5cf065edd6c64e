// Every Mutation field of the Dagster schema, mapped to an action and to what it touches. A
// field not in this table is an unknown write. Scopes that only carry ids (parent run, run to
// terminate, schedule origin id) name a lookup; resolve.ts fills the location and job in.

import { HARMLESS } from '../actions.js';
import { assets, backfillScope, compact, jobScope, location, repoScope, scheduleScope, sensorScope, type Scope } from './scopes.js';
import { list, obj, str, strings, type Obj } from './values.js';

export { compact, jobScope, type Scope } from './scopes.js';

export type Lookup =
  | { readonly kind: 'run'; readonly runId: string }
  | { readonly kind: 'backfill'; readonly backfillId: string }
  | { readonly kind: 'instigator'; readonly type: 'schedule' | 'sensor'; readonly ids: readonly string[] };

/** One judged item: a root field, or one item of a field that acts on several things. */
export interface FieldPlan {
  readonly action: string;
  readonly scope: Scope;
  readonly lookup?: Lookup;
}

type Planner = (args: Obj) => FieldPlan[];

const one = (action: string, scope: (args: Obj) => Scope = () => ({})): Planner => (args) => [{ action, scope: scope(args) }];

const launch = (params: unknown): FieldPlan => ({ action: 'dagster.run.launch', scope: jobScope(obj(params)?.['selector']) });

function reexecute(args: Obj): FieldPlan[] {
  const plans: FieldPlan[] = [];
  const exec = obj(args['executionParams']);
  if (exec !== undefined) {
    const parent = str(obj(exec['executionMetadata'])?.['parentRunId']);
    plans.push({ action: 'dagster.run.reexecute', scope: { ...jobScope(exec['selector']), ...(parent === undefined ? {} : { runIds: [parent] }) } });
  }
  const parentRunId = str(obj(args['reexecutionParams'])?.['parentRunId']);
  if (parentRunId !== undefined) plans.push({ action: 'dagster.run.reexecute', scope: { runIds: [parentRunId] }, lookup: { kind: 'run', runId: parentRunId } });
  return plans.length > 0 ? plans : [{ action: 'dagster.run.reexecute', scope: {} }];
}

const onRun = (action: string) => (args: Obj): FieldPlan[] => {
  const ids = args['runIds'] !== undefined ? strings(args['runIds']) : strings(args['runId']);
  return ids.length > 0 ? ids.map((runId) => ({ action, scope: { runIds: [runId] }, lookup: { kind: 'run', runId } as const })) : [{ action, scope: {} }];
};

const instigatorStop = (type: 'schedule' | 'sensor', action: string, keys: readonly string[]) => (args: Obj): FieldPlan[] => {
  const ids = keys.map((k) => str(args[k])).filter((v): v is string => v !== undefined && v !== '');
  return [{ action, scope: {}, ...(ids.length > 0 ? { lookup: { kind: 'instigator', type, ids } as const } : {}) }];
};

const backfillId = (action: string, read: (args: Obj) => unknown): Planner => (args) => {
  const id = str(read(args));
  return [{ action, scope: id === undefined ? {} : { backfillIds: [id] }, ...(id === undefined ? {} : { lookup: { kind: 'backfill', backfillId: id } as const }) }];
};

export const MUTATIONS: Readonly<Record<string, Planner>> = {
  launchRun: (args) => [launch(args['executionParams'])],
  launchPipelineExecution: (args) => [launch(args['executionParams'])],
  launchMultipleRuns: (args) => {
    const items = list(args['executionParamsList']);
    return items.length > 0 ? items.map(launch) : [{ action: 'dagster.run.launch', scope: {} }];
  },
  launchRunReexecution: reexecute,
  launchPipelineReexecution: reexecute,
  startSchedule: one('dagster.schedule.start', scheduleScope('scheduleSelector')),
  stopRunningSchedule: instigatorStop('schedule', 'dagster.schedule.stop', ['id', 'scheduleOriginId', 'scheduleSelectorId']),
  resetSchedule: one('dagster.schedule.reset', scheduleScope('scheduleSelector')),
  scheduleDryRun: one('dagster.schedule.dryrun', scheduleScope('selectorData')),
  startSensor: one('dagster.sensor.edit', sensorScope('sensorSelector')),
  stopSensor: instigatorStop('sensor', 'dagster.sensor.edit', ['id', 'jobOriginId', 'jobSelectorId']),
  resetSensor: one('dagster.sensor.edit', sensorScope('sensorSelector')),
  setSensorCursor: one('dagster.sensor.cursor', sensorScope('sensorSelector')),
  sensorDryRun: one('dagster.sensor.dryrun', sensorScope('selectorData')),
  terminateRun: onRun('dagster.run.terminate'),
  terminatePipelineExecution: onRun('dagster.run.terminate'),
  terminateRuns: onRun('dagster.run.terminate'),
  deleteRun: onRun('dagster.run.delete'),
  deletePipelineRun: onRun('dagster.run.delete'),
  reloadRepositoryLocation: one('dagster.location.reload', location),
  shutdownRepositoryLocation: one('dagster.location.shutdown', location),
  reloadWorkspace: one('dagster.workspace.reload'),
  wipeAssets: one('dagster.asset.wipe', assets((a) => list(a['assetPartitionRanges']).map((r) => obj(r)?.['assetKey']))),
  reportRunlessAssetEvents: one('dagster.asset.report', assets((a) => [obj(a['eventParams'])?.['assetKey']])),
  launchPartitionBackfill: one('dagster.backfill.launch', backfillScope),
  resumePartitionBackfill: backfillId('dagster.backfill.resume', (a) => a['backfillId']),
  cancelPartitionBackfill: backfillId('dagster.backfill.cancel', (a) => a['backfillId']),
  reexecutePartitionBackfill: backfillId('dagster.backfill.reexecute', (a) => obj(a['reexecutionParams'])?.['parentRunId']),
  addDynamicPartition: one('dagster.partition.edit', (a) => repoScope(a['repositorySelector'])),
  deleteDynamicPartitions: one('dagster.partition.edit', (a) => repoScope(a['repositorySelector'])),
  setAutoMaterializePaused: one('dagster.automaterialize.toggle'),
  setConcurrencyLimit: one('dagster.concurrency.edit'),
  deleteConcurrencyLimit: one('dagster.concurrency.edit'),
  freeConcurrencySlotsForRun: one('dagster.concurrency.edit', (a) => compact({ runIds: strings(a['runId']) })),
  freeConcurrencySlots: one('dagster.concurrency.edit', (a) => compact({ runIds: strings(a['runId']) })),
  logTelemetry: one(HARMLESS),
  setNuxSeen: one(HARMLESS),
};
