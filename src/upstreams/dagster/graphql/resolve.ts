// Plans every root field of a mutation and fills in, by lookup, what id-only arguments leave
// out. The result is what the policy judges: one entry per judged item, each with its action.

import { ChangegateError, isChangegateError } from '../../../errors.js';
import { UNKNOWN_WRITE } from '../actions.js';
import type { DagsterLookup } from '../lookup.js';
import type { RootField } from './document.js';
import { MUTATIONS, compact, type FieldPlan, type Scope } from './mutations.js';
import { ownEntry } from '../../../util/own.js';

export interface JudgedField extends Scope {
  readonly field: string;
  readonly alias?: string;
  readonly action: string;
  /** True when a lookup was needed and Dagster does not know the id (nothing to scope by). */
  readonly notFound?: boolean;
}

export async function judgeMutationFields(fields: readonly RootField[], lookup: DagsterLookup | undefined): Promise<JudgedField[]> {
  const out: JudgedField[] = [];
  for (const field of fields) {
    // __typename on the mutation root executes nothing.
    if (field.name === '__typename') continue;
    const planner = ownEntry(MUTATIONS, field.name);
    const plans: FieldPlan[] = planner === undefined ? [{ action: UNKNOWN_WRITE, scope: {} }] : planner(field.args);
    for (const plan of plans) out.push({ field: field.name, ...(field.responseKey === field.name ? {} : { alias: field.responseKey }), action: plan.action, ...(await guarded(plan, lookup)) });
  }
  return out;
}

/** Any lookup failure refuses the request: we cannot scope what we cannot resolve. */
async function guarded(plan: FieldPlan, lookup: DagsterLookup | undefined): Promise<Scope & { notFound?: boolean }> {
  try {
    return await resolved(plan, lookup);
  } catch (e) {
    if (isChangegateError(e)) throw e;
    throw new ChangegateError('upstream_unavailable', `could not look up what this ${plan.action} request acts on in Dagster; refused`, { cause: e });
  }
}

async function resolved(plan: FieldPlan, lookup: DagsterLookup | undefined): Promise<Scope & { notFound?: boolean }> {
  const { scope } = plan;
  if (plan.lookup === undefined) return scope;
  // No lookup configured: the scope stays id-only, and location-narrowed grants fail closed.
  if (lookup === undefined) return scope;
  if (plan.lookup.kind === 'run') {
    const run = await lookup.run(plan.lookup.runId);
    if (run === null) return { ...scope, notFound: true };
    return { ...compact({ location: run.location, repository: run.repository, job: run.job }), ...scope };
  }
  if (plan.lookup.kind === 'backfill') {
    const backfill = await lookup.backfill(plan.lookup.backfillId);
    if (backfill === null) return { ...scope, notFound: true };
    return { ...compact({ location: backfill.location, repository: backfill.repository, partitionSet: backfill.partitionSet, assetKeys: backfill.assetKeys === undefined ? undefined : [...backfill.assetKeys] }), ...scope };
  }
  const found = await lookup.instigator(plan.lookup.type, plan.lookup.ids);
  if (found === null) return { ...scope, notFound: true };
  return { ...scope, location: found.location, repository: found.repository, [found.type]: found.name };
}
