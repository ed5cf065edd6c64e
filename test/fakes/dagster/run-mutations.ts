// Run-creating and run-ending mutations. Each created run or backfill is stored with the tags it
// was sent and noted in the context, so the recorder reports exactly which tags reached "Dagster".

import type { ExecContext } from './context.js';
import type { DagsterModel, StoredRun, Tag } from './model.js';
import { pythonError, runView } from './views.js';

interface Selector {
  readonly pipelineName?: string | null;
  readonly jobName?: string | null;
  readonly repositoryName: string;
  readonly repositoryLocationName: string;
}
export interface ExecutionParams {
  readonly selector: Selector;
  readonly executionMetadata?: { readonly tags?: readonly Tag[] | null; readonly parentRunId?: string | null; readonly rootRunId?: string | null } | null;
}
export interface ReexecutionParams {
  readonly parentRunId: string;
  readonly extraTags?: readonly Tag[] | null;
  readonly useParentRunTags?: boolean | null;
}

function record(ctx: ExecContext, run: StoredRun): unknown {
  ctx.created.push({ kind: 'run', runId: run.runId, jobName: run.job.name, location: run.job.location, tags: run.tags });
  return { __typename: 'LaunchRunSuccess', run: runView(run) };
}

export function launch({ executionParams }: { executionParams: ExecutionParams }, ctx: ExecContext): unknown {
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

export function reexecute(args: { executionParams?: ExecutionParams | null; reexecutionParams?: ReexecutionParams | null }, ctx: ExecContext): unknown {
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

export function terminateOne(model: DagsterModel, runId: string): unknown {
  const run = model.runs.get(runId);
  if (run === undefined) return { __typename: 'RunNotFoundError', runId, message: `Run ${runId} could not be found.` };
  if (run.status !== 'QUEUED' && run.status !== 'STARTED') return { __typename: 'TerminateRunFailure', message: `Run ${runId} is not in progress.`, run: runView(run) };
  run.status = 'CANCELED';
  return { __typename: 'TerminateRunSuccess', run: runView(run) };
}

export function deleteOne({ runId }: { runId: string }, { model }: ExecContext): unknown {
  if (!model.runs.delete(runId)) return { __typename: 'RunNotFoundError', runId, message: `Run ${runId} could not be found.` };
  return { __typename: 'DeletePipelineRunSuccess', runId };
}

export function backfill(ctx: ExecContext, tags: readonly Tag[], partitionNames: readonly string[], setName: string | null): unknown {
  const created = ctx.model.createBackfill(tags, partitionNames, setName);
  ctx.created.push({ kind: 'backfill', backfillId: created.backfillId, tags: created.tags });
  return { __typename: 'LaunchBackfillSuccess', backfillId: created.backfillId, launchedRunIds: [] };
}
