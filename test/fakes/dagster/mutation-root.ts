// Mutation root fields: runs and backfills (run-mutations.ts), schedules and sensors, code
// locations, assets, and the harmless ones. Fields not listed resolve to placeholders.

import type { ExecContext, RootValue } from './context.js';
import type { DagsterModel, Instigator, Tag } from './model.js';
import { backfill, deleteOne, launch, reexecute, terminateOne, type ExecutionParams, type ReexecutionParams } from './run-mutations.js';
import {
  instigationStateView, locationEntryView, pythonError, sensorView, workspaceView,
} from './views.js';

interface InstigatorSel { readonly repositoryLocationName: string; readonly scheduleName?: string; readonly sensorName?: string }

function setStatus(type: Instigator['type'], status: Instigator['status']) {
  return (args: Record<string, InstigatorSel>, { model }: ExecContext): unknown => {
    const sel = Object.values(args)[0];
    const name = sel?.scheduleName ?? sel?.sensorName ?? '';
    const found = sel === undefined ? undefined : model.instigator(type, sel.repositoryLocationName, name);
    if (found === undefined) return { __typename: type === 'SCHEDULE' ? 'ScheduleNotFoundError' : 'SensorNotFoundError', message: `${name} not found`, scheduleName: name, sensorName: name };
    found.status = status;
    return type === 'SCHEDULE' ? { __typename: 'ScheduleStateResult', scheduleState: instigationStateView(found) } : sensorView(found);
  };
}

function stop(type: Instigator['type']) {
  return (args: Record<string, string | null | undefined>, { model }: ExecContext): unknown => {
    const found = model.instigatorById(type, Object.values(args));
    if (found === undefined) return pythonError(`No ${type.toLowerCase()} found for ${JSON.stringify(args)}`);
    found.status = 'STOPPED';
    const state = instigationStateView(found);
    return type === 'SCHEDULE' ? { __typename: 'ScheduleStateResult', scheduleState: state } : { __typename: 'StopSensorMutationResult', instigationState: state };
  };
}

function location(found: (m: DagsterModel, name: string) => unknown) {
  return ({ repositoryLocationName }: { repositoryLocationName: string }, { model }: ExecContext): unknown =>
    model.entry(repositoryLocationName) === undefined
      ? { __typename: 'RepositoryLocationNotFound', message: `Location ${repositoryLocationName} does not exist.` }
      : found(model, repositoryLocationName);
}

const yes = (): boolean => true;

export const mutationRoot: RootValue = {
  launchRun: launch,
  launchPipelineExecution: launch,
  launchMultipleRuns: ({ executionParamsList }: { executionParamsList: readonly ExecutionParams[] }, ctx: ExecContext) => ({
    __typename: 'LaunchMultipleRunsResult',
    launchMultipleRunsResult: executionParamsList.map((executionParams) => launch({ executionParams }, ctx)),
  }),
  launchRunReexecution: reexecute,
  launchPipelineReexecution: reexecute,
  terminateRun: ({ runId }: { runId: string }, { model }: ExecContext) => terminateOne(model, runId),
  terminatePipelineExecution: ({ runId }: { runId: string }, { model }: ExecContext) => terminateOne(model, runId),
  terminateRuns: ({ runIds }: { runIds: readonly string[] }, { model }: ExecContext) => ({ __typename: 'TerminateRunsResult', terminateRunResults: runIds.map((id) => terminateOne(model, id)) }),
  deleteRun: deleteOne,
  deletePipelineRun: deleteOne,
  launchPartitionBackfill: ({ backfillParams }: { backfillParams: { tags?: readonly Tag[] | null; partitionNames?: readonly string[] | null; selector?: { partitionSetName: string } | null } }, ctx: ExecContext) =>
    backfill(ctx, backfillParams.tags ?? [], backfillParams.partitionNames ?? [], backfillParams.selector?.partitionSetName ?? null),
  reexecutePartitionBackfill: ({ reexecutionParams }: { reexecutionParams?: ReexecutionParams | null }, ctx: ExecContext) => {
    const parent = reexecutionParams == null ? undefined : ctx.model.backfills.get(reexecutionParams.parentRunId);
    if (parent === undefined) return pythonError(`Backfill ${reexecutionParams?.parentRunId ?? '(none)'} not found`);
    return backfill(ctx, parent.tags, parent.partitionNames, parent.partitionSetName);
  },
  resumePartitionBackfill: ({ backfillId }: { backfillId: string }, { model }: ExecContext) =>
    model.backfills.has(backfillId) ? { __typename: 'ResumeBackfillSuccess', backfillId } : pythonError(`Backfill ${backfillId} not found`),
  cancelPartitionBackfill: ({ backfillId }: { backfillId: string }, { model }: ExecContext) => {
    const found = model.backfills.get(backfillId);
    if (found === undefined) return pythonError(`Backfill ${backfillId} not found`);
    found.status = 'CANCELED';
    return { __typename: 'CancelBackfillSuccess', backfillId };
  },
  startSchedule: setStatus('SCHEDULE', 'RUNNING'),
  resetSchedule: setStatus('SCHEDULE', 'STOPPED'),
  stopRunningSchedule: stop('SCHEDULE'),
  startSensor: setStatus('SENSOR', 'RUNNING'),
  resetSensor: setStatus('SENSOR', 'STOPPED'),
  stopSensor: stop('SENSOR'),
  setSensorCursor: ({ cursor, sensorSelector }: { cursor?: string | null; sensorSelector: InstigatorSel }, { model }: ExecContext) => {
    const found = model.instigator('SENSOR', sensorSelector.repositoryLocationName, sensorSelector.sensorName ?? '');
    if (found === undefined) return { __typename: 'SensorNotFoundError', message: 'not found', sensorName: sensorSelector.sensorName ?? '' };
    found.cursor = cursor ?? null;
    return sensorView(found);
  },
  // Reads the location's code (the sidecar) again, as Dagster re-imports it.
  reloadRepositoryLocation: location((m, name) => {
    m.reload(name);
    return locationEntryView(m, name);
  }),
  shutdownRepositoryLocation: location((_m, name) => ({ __typename: 'ShutdownRepositoryLocationSuccess', repositoryLocationName: name })),
  reloadWorkspace: (_: never, { model }: ExecContext) => {
    model.reloadAll();
    return workspaceView(model);
  },
  wipeAssets: ({ assetPartitionRanges }: { assetPartitionRanges: readonly { assetKey: { path: readonly string[] } }[] }, { model }: ExecContext) => {
    for (const r of assetPartitionRanges) model.wipedAssets.push([...r.assetKey.path]);
    return { __typename: 'AssetWipeSuccess', assetPartitionRanges: assetPartitionRanges.map((r) => ({ __typename: 'AssetPartitionRange', assetKey: { __typename: 'AssetKey', path: r.assetKey.path }, partitionRange: null })) };
  },
  reportRunlessAssetEvents: ({ eventParams }: { eventParams: { assetKey: { path: readonly string[] } } }) => ({ __typename: 'ReportRunlessAssetEventsSuccess', assetKey: { __typename: 'AssetKey', path: eventParams.assetKey.path } }),
  logTelemetry: ({ action }: { action: string }) => ({ __typename: 'LogTelemetrySuccess', action }),
  setNuxSeen: yes,
  setAutoMaterializePaused: yes,
  setConcurrencyLimit: yes,
  deleteConcurrencyLimit: yes,
  freeConcurrencySlotsForRun: yes,
  freeConcurrencySlots: yes,
  scheduleDryRun: () => ({ __typename: 'DryRunInstigationTick', timestamp: null }),
  sensorDryRun: () => ({ __typename: 'DryRunInstigationTick', timestamp: null }),
  addDynamicPartition: ({ partitionKey, partitionsDefName }: { partitionKey: string; partitionsDefName: string }) => ({ __typename: 'AddDynamicPartitionSuccess', partitionKey, partitionsDefName }),
  deleteDynamicPartitions: ({ partitionsDefName }: { partitionsDefName: string }) => ({ __typename: 'DeleteDynamicPartitionsSuccess', partitionsDefName }),
};
