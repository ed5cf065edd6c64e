// Judges one `start` frame: only subscriptions may run over the socket, and a subscription is
// a read of what it streams (a run's events, a captured log, location changes), scoped by
// lookup to the run's location and job so policy can narrow it.

import type { GraphQLSchema } from 'graphql';
import { isChangegateError } from '../../../errors.js';
import type { Classification } from '../../../pipeline/types.js';
import { READ } from '../actions.js';
import { deploymentInput, deploymentSource, type DagsterDeployment, type DeploymentSource } from '../deployment.js';
import { parseDocument, selectOperation } from '../graphql/document.js';
import { compact } from '../graphql/mutations.js';
import { strings, str } from '../graphql/values.js';
import type { DagsterLookup } from '../lookup.js';
import type { StartPayload } from './frames.js';

export interface StartJudgeOptions {
  readonly schema?: GraphQLSchema;
  readonly lookup?: DagsterLookup;
  /** A fixed deployment, or a getter read once per `start` frame. Default: main. */
  readonly deployment?: DagsterDeployment | DeploymentSource;
}

export type StartVerdict = { readonly kind: 'refuse'; readonly message: string } | { readonly kind: 'judge'; readonly classification: Classification };

export async function judgeStart(payload: StartPayload, options: StartJudgeOptions): Promise<StartVerdict> {
  // Read once per frame: a change closed since the socket opened is judged as closed.
  const deployment = deploymentInput(deploymentSource(options.deployment)());
  let op;
  try {
    op = selectOperation(parseDocument(payload.query, options.schema), payload.operationName, payload.variables);
  } catch (e) {
    if (isChangegateError(e)) return { kind: 'refuse', message: e.message };
    throw e;
  }
  if (op.type !== 'subscription') return { kind: 'refuse', message: `only subscriptions may be sent over the WebSocket; send ${op.type === 'mutation' ? 'mutations' : 'queries'} as HTTP POST` };
  const fields = [];
  for (const f of op.fields) {
    // pipelineRunLogs names the run; capturedLogs a log key whose first part is the run id.
    const runId = str(f.args['runId']) ?? strings(f.args['logKey'])[0];
    let scope: Record<string, unknown> = {};
    if (runId !== undefined && f.name === 'pipelineRunLogs' && options.lookup !== undefined) {
      try {
        const run = await options.lookup.run(runId);
        scope = run === null ? { notFound: true } : { ...compact({ location: run.location, repository: run.repository, job: run.job }) };
      } catch (e) {
        return { kind: 'refuse', message: isChangegateError(e) ? e.message : 'could not look up the run this subscription streams; refused' };
      }
    }
    fields.push({ field: f.name, ...(f.responseKey === f.name ? {} : { alias: f.responseKey }), action: READ, ...(runId === undefined ? {} : { runIds: [runId] }), ...(f.name === 'capturedLogs' ? { logKey: strings(f.args['logKey']).join('/') } : {}), ...scope });
  }
  return {
    kind: 'judge',
    classification: {
      action: READ,
      resource: {
        upstream: 'dagster',
        deployment,
        route: 'graphql-ws',
        operation: 'subscription',
        ...(op.name === undefined ? {} : { operationName: op.name }),
        fields,
        runIds: [...new Set(fields.flatMap((f) => f.runIds ?? []))],
      },
      body: { kind: 'untouched' },
    },
  };
}
