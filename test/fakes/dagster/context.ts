// What resolvers share for one executed operation: the instance, and the runs and backfills the
// operation created (so the recorder can report their tags).

import type { DagsterModel, Tag } from './model.js';

export type Created =
  | { readonly kind: 'run'; readonly runId: string; readonly jobName: string; readonly location: string; readonly tags: readonly Tag[] }
  | { readonly kind: 'backfill'; readonly backfillId: string; readonly tags: readonly Tag[] };

export interface ExecContext {
  readonly model: DagsterModel;
  readonly created: Created[];
}

/** Root resolvers are called with the field's (already coerced) arguments; the schema fixes their shape. */
export type RootResolver = (args: never, ctx: ExecContext) => unknown;
export type RootValue = Readonly<Record<string, RootResolver>>;
