// Model entities as GraphQL objects: plain objects carrying `__typename` (how the abstract types
// resolve) and methods for fields that take arguments or point back up the graph. Fields left
// out resolve to placeholders (defaults.ts).

import { allAssets, assetNodeView } from './asset-views.js';
import { REPOSITORY, entryName, type Backfill, type DagsterModel, type Instigator, type JobRef, type StoredRun, type Tag } from './model.js';

type View = Record<string, unknown> & { readonly __typename: string };

/** Dagster's permission names (dagster/_core/workspace/permissions.py); OSS grants them all. */
export const PERMISSIONS = [
  'launch_pipeline_execution', 'launch_pipeline_reexecution', 'start_schedule', 'stop_running_schedule',
  'schedule_dry_run', 'edit_sensor', 'sensor_dry_run', 'update_sensor_cursor', 'terminate_pipeline_execution',
  'delete_pipeline_run', 'reload_repository_location', 'reload_workspace', 'wipe_assets',
  'report_runless_asset_events', 'launch_partition_backfill', 'cancel_partition_backfill',
  'edit_dynamic_partitions', 'toggle_auto_materialize', 'edit_concurrency_limit', 'edit_app_managed_components',
] as const;

const UNSCOPED = new Set(['reload_workspace', 'toggle_auto_materialize', 'edit_concurrency_limit']);

export function permissionViews(scope: 'global' | 'location'): View[] {
  return PERMISSIONS.filter((p) => scope === 'global' || !UNSCOPED.has(p)).map((permission) => ({ __typename: 'Permission', permission, value: true, disabledReason: null }));
}

function tagViews(tags: readonly Tag[]): View[] {
  return tags.map((t) => ({ __typename: 'PipelineTag', key: t.key, value: t.value }));
}

export function originView(location: string): View {
  return { __typename: 'RepositoryOrigin', id: `${location}:${REPOSITORY}`, repositoryLocationName: location, repositoryName: REPOSITORY, repositoryLocationMetadata: [] };
}

export function runView(run: StoredRun): View {
  const active = run.status === 'QUEUED' || run.status === 'STARTED';
  return {
    __typename: 'Run',
    id: run.runId,
    runId: run.runId,
    status: run.status,
    runStatus: run.status,
    pipelineName: run.job.name,
    jobName: run.job.name,
    pipeline: { __typename: 'PipelineSnapshot', id: run.job.name, name: run.job.name, solidSelection: null },
    repositoryOrigin: originView(run.job.location),
    tags: tagViews(run.tags),
    parentRunId: run.parentRunId,
    rootRunId: run.rootRunId,
    mode: 'default',
    runConfigYaml: run.runConfigYaml,
    runConfig: {},
    creationTime: run.creationTime,
    startTime: run.creationTime,
    endTime: active ? null : run.creationTime + 1,
    updateTime: run.creationTime,
    canTerminate: active,
    hasReExecutePermission: true,
    hasTerminatePermission: true,
    hasDeletePermission: true,
    eventConnection: () => ({ __typename: 'EventConnection', events: runEvents(run), cursor: '3', hasMore: false }),
  };
}

/** A few log events for a run: what pipelineRunLogs streams and logsForRun returns. */
export function runEvents(run: StoredRun): View[] {
  const base = { runId: run.runId, stepKey: null, solidHandleID: null };
  const at = (n: number): string => String(Math.round((run.creationTime + n) * 1000));
  return [
    { __typename: 'RunStartEvent', ...base, message: `Started execution of run for "${run.job.name}".`, timestamp: at(0), level: 'DEBUG', eventType: 'RUN_START', pipelineName: run.job.name },
    { __typename: 'LogMessageEvent', ...base, message: `stand-in: ${run.job.location}/${run.job.name} is doing its work`, timestamp: at(0.5), level: 'INFO', eventType: null },
    { __typename: 'RunSuccessEvent', ...base, message: `Finished execution of run for "${run.job.name}".`, timestamp: at(1), level: 'DEBUG', eventType: 'RUN_SUCCESS', pipelineName: run.job.name },
  ];
}

export function jobView(model: DagsterModel, job: JobRef, typename: 'Job' | 'Pipeline'): View {
  return {
    __typename: typename,
    id: `${job.location}:${job.name}`,
    name: job.name,
    description: `stand-in job ${job.name} in ${job.location}`,
    graphName: job.name,
    pipelineSnapshotId: `${job.location}:${job.name}`,
    isJob: true,
    isAssetJob: false,
    tags: [],
    runTags: [],
    presets: [],
    modes: [{ __typename: 'Mode', id: `${job.name}-default`, name: 'default', description: null }],
    hasLaunchExecutionPermission: true,
    hasLaunchReexecutionPermission: true,
    repository: () => repositoryView(model, job.location),
    runs: (args: { limit?: number | null }) => model.listRuns().filter((r) => r.job.location === job.location && r.job.name === job.name).slice(0, args.limit ?? undefined).map((r) => runView(r)),
    schedules: () => model.instigators.filter((i) => i.type === 'SCHEDULE' && i.location === job.location && i.jobName === job.name).map((i) => scheduleView(i)),
    sensors: () => model.instigators.filter((i) => i.type === 'SENSOR' && i.location === job.location && i.jobName === job.name).map((i) => sensorView(i)),
  };
}

export function instigationStateView(i: Instigator): View {
  return {
    __typename: 'InstigationState',
    id: i.id,
    selectorId: i.selectorId,
    name: i.name,
    instigationType: i.type,
    status: i.status,
    repositoryName: REPOSITORY,
    repositoryLocationName: i.location,
    repositoryOrigin: originView(i.location),
    runs: () => [],
    runsCount: 0,
    runningCount: i.status === 'RUNNING' ? 1 : 0,
    hasStartPermission: true,
    hasStopPermission: true,
    ticks: () => [],
  };
}

export function scheduleView(i: Instigator): View {
  return {
    __typename: 'Schedule', id: i.originId, name: i.name, cronSchedule: '0 2 * * *', pipelineName: i.jobName, mode: 'default',
    executionTimezone: 'UTC', description: null, defaultStatus: 'STOPPED', canReset: true, scheduleState: instigationStateView(i),
  };
}

export function sensorView(i: Instigator): View {
  return {
    __typename: 'Sensor', id: i.originId, jobOriginId: i.originId, name: i.name, defaultStatus: 'STOPPED', canReset: true,
    hasCursorUpdatePermissions: true, sensorState: instigationStateView(i), minIntervalSeconds: 30, description: null,
    sensorType: 'STANDARD', targets: [{ __typename: 'Target', pipelineName: i.jobName, mode: 'default', solidSelection: null }],
    metadata: { __typename: 'SensorMetadata', assetKeys: null },
  };
}

export function repositoryView(model: DagsterModel, location: string): View {
  const loc = model.location(location);
  const jobs = (loc?.jobs ?? []).map((name) => model.job(location, name));
  return {
    __typename: 'Repository',
    id: `${location}:${REPOSITORY}`,
    name: REPOSITORY,
    location: () => locationView(model, location),
    jobs: () => jobs.map((j) => jobView(model, j, 'Job')),
    pipelines: () => jobs.map((j) => jobView(model, j, 'Pipeline')),
    origin: originView(location),
    schedules: () => model.instigators.filter((i) => i.type === 'SCHEDULE' && i.location === location).map((i) => scheduleView(i)),
    sensors: () => model.instigators.filter((i) => i.type === 'SENSOR' && i.location === location).map((i) => sensorView(i)),
    displayMetadata: [],
    assetNodes: () => repositoryAssetNodes(model, location),
    assetGroups: () => [...new Set((loc?.assets ?? []).map((a) => a.group ?? 'default'))].map((groupName) => ({ __typename: 'AssetGroup', id: `${location}:${groupName}`, groupName, assetKeys: (loc?.assets ?? []).filter((a) => (a.group ?? 'default') === groupName).map((a) => ({ __typename: 'AssetKey', path: [...a.key] })) })),
  };
}

/** One location's asset nodes, each pointing back at its repository. */
export function repositoryAssetNodes(model: DagsterModel, location: string): View[] {
  return allAssets(model).filter((a) => a.location === location).map((a) => assetNodeView(model, a, () => repositoryView(model, location)));
}

export function locationView(model: DagsterModel, location: string): View {
  return { __typename: 'RepositoryLocation', id: location, name: location, isReloadSupported: true, repositories: () => [repositoryView(model, location)], serverId: `${location}-server` };
}

/** A workspace entry. A location whose code failed to load is LOADED with a PythonError, as in Dagster. */
export function locationEntryView(model: DagsterModel, location: string): View {
  const entry = model.entry(location);
  return {
    __typename: 'WorkspaceLocationEntry',
    id: location,
    name: location,
    loadStatus: 'LOADED',
    updatedTimestamp: 0,
    versionKey: model.versionKey(location),
    displayMetadata: [],
    featureFlags: [],
    definitionsSource: 'CODE_SERVER',
    permissions: permissionViews('location'),
    locationOrLoadError: () => (entry?.status === 'error' ? pythonError(entry.message) : locationView(model, location)),
  };
}

export function locationStatusView(model: DagsterModel, location: string): View {
  return { __typename: 'WorkspaceLocationStatusEntry', id: location, name: location, loadStatus: 'LOADED', updateTimestamp: 0, versionKey: model.versionKey(location), permissions: permissionViews('location') };
}

export function workspaceView(model: DagsterModel): View {
  return { __typename: 'Workspace', id: 'Workspace', locationEntries: () => model.entries.map((e) => locationEntryView(model, entryName(e))) };
}

export function backfillView(b: Backfill): View {
  return {
    __typename: 'PartitionBackfill', id: b.backfillId, status: b.status, runStatus: b.status === 'CANCELED' ? 'CANCELED' : 'QUEUED',
    creationTime: b.creationTime, timestamp: b.creationTime, tags: tagViews(b.tags), partitionNames: b.partitionNames,
    partitionSetName: b.partitionSetName, numPartitions: b.partitionNames.length, numCancelable: 0, fromFailure: false,
    isValidSerialization: true, isAssetBackfill: false, hasCancelPermission: true, hasResumePermission: true,
    user: b.tags.find((t) => t.key === 'user')?.value ?? null, runs: () => [], unfinishedRuns: () => [], cancelableRuns: () => [],
  };
}

export function pythonError(message: string): View {
  return { __typename: 'PythonError', message, className: 'DagsterStandInError', stack: [], causes: [], errorChain: [], cause: null };
}
