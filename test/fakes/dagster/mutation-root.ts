// Mutation root fields. Run-creating mutations store the run with the tags they were sent and
// note it in the context, so the recorder can report exactly which tags reached "Dagster".

import type { ExecContext, RootValue } from './context.js';
import type { DagsterModel, Instigator, StoredRun, Tag } from './model.js';
import {
  instigationStateView, locationEntryView, pythonError, runView, sensorView, workspaceView,
} from './views.js';

interface Selector {
  readonly pipelineName?: string | null;
  readonly jobName?: string | null;
  readonly repositoryName: string;
  readonly repositoryLocationName: string;
}
interface ExecutionParams {
  readonly selector: Selector;
  readonly executionMetadata?: { readonly tags?: readonly Tag[] | null; readonly parentRunId?: string | null; readonly rootRunId?: string | null } | null;
}
interface ReexecutionParams {
  readonly parentRunId: string;
  readonly extraTags?: readonly Tag[] | null;
  readonly useParentRunTags?: boolean | null;
}
interface InstigatorSel { readonly repositoryLocationName: string; readonly scheduleName?: string; readonly sensorName?: string }

function record(ctx: ExecContext, run: StoredRun): unknown {
  ctx.created.push({ kind: 'run', runId: run.runId, jobName: run.job.name, location: run.job.location, tags: run.tags });
  return { __typename: 'LaunchRunSuccess', run: runView(run) };
}

function launch({ executionParams }: { executionParams: ExecutionParams }, ctx: ExecContext): unknown {
  const sel = executionParams.selector;
  // The server's precedence: pipelineName, then jobName.
  const name = sel.pipelineName ?? sel.jobName ?? '';
  const job = ctx.model.findJob(sel.repositoryLocationName, sel.repositoryName, name);
  if (job === undefined) {
    return { __typename: 'PipelineNotFoundError', message: `Could not find Pipeline ${sel.repositoryLocationName}.${sel.repositoryName}.${name}`, pipelineName: name, repositoryName: sel.repositoryName, repositoryLocationName: sel.repositoryLocationName };
  }
  const meta = executionParams.executionMetadata;
  return record(ctx, ctx.model.createRun(job, meta?.tags ?? [], { parentRunId: meta?.parentRunId ?? null, rootRunId: meta?.rootRunId ?? null }));
}

function reexecute(args: { executionParams?: ExecutionParams | null; reexecutionParams?: ReexecutionParams | null }, ctx: ExecContext): unknown {
  if (args.executionParams != null) return launch({ executionParams: args.executionParams }, ctx);
  const params = args.reexecutionParams;
  if (params == null) return pythonError('Must provide one of reexecutionParams or executionParams');
  const parent = ctx.model.runs.get(params.parentRunId);
  if (parent === undefined) return pythonError(`Could not find parent run with id: ${params.parentRunId}`);
  const inherited = params.useParentRunTags === false ? [] : parent.tags.filter((t) => !t.key.startsWith('dagster/'));
  const root = parent.rootRunId ?? parent.runId;
  const tags = [...inherited, ...(params.extraTags ?? []), { key: 'dagster/parent_run_id', value: parent.runId }, { key: 'dagster/root_run_id', value: root }];
  return record(ctx, ctx.model.createRun(parent.job, tags, { parentRunId: parent.runId, rootRunId: root }));
}

function terminateOne(model: DagsterModel, runId: string): unknown {
  const run = model.runs.get(runId);
  if (run === undefined) return { __typename: 'RunNotFoundError', runId, message: `Run ${runId} could not be found.` };
  if (run.status !== 'QUEUED' && run.status !== 'STARTED') return { __typename: 'TerminateRunFailure', message: `Run ${runId} is not in progress.`, run: runView(run) };
  run.status = 'CANCELED';
  return { __typename: 'TerminateRunSuccess', run: runView(run) };
}

function deleteOne({ runId }: { runId: string }, { model }: ExecContext): unknown {
  if (!model.runs.delete(runId)) return { __typename: 'RunNotFoundError', runId, message: `Run ${runId} could not be found.` };
  return { __typename: 'DeletePipelineRunSuccess', runId };
}

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

function backfill(ctx: ExecContext, tags: readonly Tag[], partitionNames: readonly string[], setName: string | null): unknown {
  const created = ctx.model.createBackfill(tags, partitionNames, setName);
  ctx.created.push({ kind: 'backfill', backfillId: created.backfillId, tags: created.tags });
  return { __typename: 'LaunchBackfillSuccess', backfillId: created.backfillId, launchedRunIds: [] };
}

function location(found: (m: DagsterModel, name: string) => unknown) {
  return ({ repositoryLocationName }: { repositoryLocationName: string }, { model }: ExecContext): unknown =>
    model.location(repositoryLocationName) === undefined
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
  reloadRepositoryLocation: location((m, name) => locationEntryView(m, name)),
  shutdownRepositoryLocation: location((_m, name) => ({ __typename: 'ShutdownRepositoryLocationSuccess', repositoryLocationName: name })),
  reloadWorkspace: (_: never, { model }: ExecContext) => workspaceView(model),
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
