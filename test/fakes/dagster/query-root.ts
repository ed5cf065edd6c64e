// Query root fields the UI and the tests use. Anything else in the schema resolves to placeholders.

import type { ExecContext, RootValue } from './context.js';
import { allAssets, assetNodeView, sameKey } from './asset-views.js';
import { REPOSITORY, entryName, type DagsterModel, type StoredRun } from './model.js';
import {
  backfillView, instigationStateView, jobView, locationEntryView, locationStatusView, permissionViews,
  repositoryView, runEvents, runView, scheduleView, sensorView, workspaceView,
} from './views.js';

interface RepoSel { readonly repositoryName: string; readonly repositoryLocationName: string }
interface Tag { readonly key: string; readonly value: string }
interface RunsFilter {
  readonly runIds?: readonly (string | null)[] | null;
  readonly pipelineName?: string | null;
  readonly tags?: readonly Tag[] | null;
  readonly statuses?: readonly string[] | null;
}
interface RunsArgs { readonly filter?: RunsFilter | null; readonly limit?: number | null }

function repoMissing(sel: RepoSel): Record<string, unknown> {
  return { __typename: 'RepositoryNotFoundError', message: `Could not find Repository ${sel.repositoryLocationName}.${sel.repositoryName}`, repositoryName: sel.repositoryName, repositoryLocationName: sel.repositoryLocationName };
}

function repoKnown(model: DagsterModel, sel: RepoSel): boolean {
  return sel.repositoryName === REPOSITORY && model.location(sel.repositoryLocationName) !== undefined;
}

function matches(run: StoredRun, f: RunsFilter | null | undefined): boolean {
  if (f == null) return true;
  if (f.runIds != null && !f.runIds.includes(run.runId)) return false;
  if (f.pipelineName != null && f.pipelineName !== run.job.name) return false;
  if (f.statuses != null && f.statuses.length > 0 && !f.statuses.includes(run.status)) return false;
  return (f.tags ?? []).every((t) => run.tags.some((r) => r.key === t.key && r.value === t.value));
}

interface KeyInput { readonly path: readonly string[] }
interface AssetNodesArgs {
  readonly group?: { readonly groupName: string; readonly repositoryName: string; readonly repositoryLocationName: string } | null;
  readonly pipeline?: { readonly repositoryName: string; readonly repositoryLocationName: string } | null;
  readonly assetKeys?: readonly KeyInput[] | null;
}

/**
 * Asset definitions across the workspace. `group` and `assetKeys` filter as Dagster does;
 * `pipeline` narrows to its location only (which assets a job targets is not modelled).
 */
function assetNodes(args: AssetNodesArgs, { model }: ExecContext): unknown[] {
  const { group, pipeline, assetKeys } = args;
  const scope = group ?? pipeline;
  return allAssets(model)
    .filter((a) => scope == null || (scope.repositoryName === REPOSITORY && scope.repositoryLocationName === a.location))
    .filter((a) => group == null || (a.asset.group ?? 'default') === group.groupName)
    .filter((a) => assetKeys == null || assetKeys.some((k) => sameKey(k.path, a.asset.key)))
    .map((a) => assetNodeView(model, a, () => repositoryView(model, a.location)));
}

function runs({ filter, limit }: RunsArgs, { model }: ExecContext): unknown {
  const found = model.listRuns().filter((r) => matches(r, filter));
  return { __typename: 'Runs', results: found.slice(0, limit ?? undefined).map(runView), count: found.length };
}

function run({ runId }: { runId: string }, { model }: ExecContext): unknown {
  const found = model.runs.get(runId);
  return found === undefined ? { __typename: 'RunNotFoundError', runId, message: `Run ${runId} could not be found.` } : runView(found);
}

function pipeline({ params }: { params: RepoSel & { pipelineName: string } }, { model }: ExecContext): unknown {
  const job = model.findJob(params.repositoryLocationName, params.repositoryName, params.pipelineName);
  if (job === undefined) {
    return { __typename: 'PipelineNotFoundError', message: `Could not find Pipeline ${params.pipelineName}`, pipelineName: params.pipelineName, repositoryName: params.repositoryName, repositoryLocationName: params.repositoryLocationName };
  }
  return jobView(model, job, 'Pipeline');
}

function instigatorLookup(type: 'SCHEDULE' | 'SENSOR', key: 'scheduleName' | 'sensorName') {
  return (args: Record<string, RepoSel & Record<string, string>>, { model }: ExecContext): unknown => {
    const sel = Object.values(args)[0];
    const name = sel?.[key] ?? '';
    const found = sel === undefined ? undefined : model.instigator(type, sel.repositoryLocationName, name);
    if (found === undefined) return { __typename: type === 'SCHEDULE' ? 'ScheduleNotFoundError' : 'SensorNotFoundError', message: `${name} not found`, [key]: name };
    return type === 'SCHEDULE' ? scheduleView(found) : sensorView(found);
  };
}

export const queryRoot: RootValue = {
  version: () => '1.9.0+stand-in',
  permissions: () => permissionViews('global'),
  canBulkTerminate: () => true,
  shouldShowNux: () => false,
  instance: () => ({ __typename: 'Instance', id: 'Instance', info: 'Dagster stand-in (Changegate tests)', hasInfo: true, runQueuingSupported: false, executablePath: '/usr/bin/python3', autoMaterializePaused: true, supportsConcurrencyLimits: false, minConcurrencyLimitValue: 0, maxConcurrencyLimitValue: 0, useAutoMaterializeSensors: false, freshnessEvaluationEnabled: false }),
  workspaceOrError: (_: never, { model }: ExecContext) => workspaceView(model),
  locationStatusesOrError: (_: never, { model }: ExecContext) => ({ __typename: 'WorkspaceLocationStatusEntries', entries: model.entries.map((e) => locationStatusView(model, entryName(e))) }),
  workspaceLocationEntryOrError: ({ name }: { name: string }, { model }: ExecContext) => (model.entry(name) === undefined ? null : locationEntryView(model, name)),
  assetNodes,
  assetNodeOrError: ({ assetKey }: { assetKey: KeyInput }, ctx: ExecContext) =>
    assetNodes({ assetKeys: [assetKey] }, ctx)[0] ?? { __typename: 'AssetNotFoundError', message: `Asset key ${assetKey.path.join('/')} not found.` },
  repositoriesOrError: ({ repositorySelector }: { repositorySelector?: RepoSel | null }, { model }: ExecContext) => {
    if (repositorySelector != null && !repoKnown(model, repositorySelector)) return repoMissing(repositorySelector);
    const names = repositorySelector == null ? model.locations.map((l) => l.name) : [repositorySelector.repositoryLocationName];
    return { __typename: 'RepositoryConnection', nodes: names.map((n) => repositoryView(model, n)) };
  },
  repositoryOrError: ({ repositorySelector }: { repositorySelector: RepoSel }, { model }: ExecContext) =>
    repoKnown(model, repositorySelector) ? repositoryView(model, repositorySelector.repositoryLocationName) : repoMissing(repositorySelector),
  pipelineOrError: pipeline,
  runsOrError: runs,
  pipelineRunsOrError: runs,
  runOrError: run,
  pipelineRunOrError: run,
  runTagKeysOrError: (_: never, { model }: ExecContext) => ({ __typename: 'RunTagKeys', keys: [...new Set(model.listRuns().flatMap((r) => r.tags.map((t) => t.key)))] }),
  logsForRun: ({ runId }: { runId: string }, { model }: ExecContext) => {
    const found = model.runs.get(runId);
    if (found === undefined) return { __typename: 'RunNotFoundError', runId, message: `Run ${runId} could not be found.` };
    return { __typename: 'EventConnection', events: runEvents(found), cursor: '3', hasMore: false };
  },
  scheduleOrError: instigatorLookup('SCHEDULE', 'scheduleName'),
  sensorOrError: instigatorLookup('SENSOR', 'sensorName'),
  instigationStateOrError: ({ instigationSelector, id }: { instigationSelector: RepoSel & { name: string }; id?: string | null }, { model }: ExecContext) => {
    const found = model.instigators.find((i) => (id != null && [i.id, i.selectorId, i.originId].includes(id)) || (i.location === instigationSelector.repositoryLocationName && i.name === instigationSelector.name));
    return found === undefined ? { __typename: 'InstigationStateNotFoundError', name: instigationSelector.name, message: 'not found' } : instigationStateView(found);
  },
  partitionBackfillOrError: ({ backfillId }: { backfillId: string }, { model }: ExecContext) => {
    const found = model.backfills.get(backfillId);
    return found === undefined ? { __typename: 'BackfillNotFoundError', backfillId, message: `Backfill ${backfillId} not found` } : backfillView(found);
  },
  partitionBackfillsOrError: (_: never, { model }: ExecContext) => ({ __typename: 'PartitionBackfills', results: [...model.backfills.values()].reverse().map(backfillView) }),
  test: () => ({ __typename: 'TestFields', alwaysException: () => { throw new Error('Exception in resolver'); }, asyncString: async () => 'slept' }),
};
