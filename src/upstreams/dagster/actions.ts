// Dagster actions, named after Dagster's own permissions, and how privileged each is. When one
// request runs several root fields, its `action` is the most privileged of them (highest rank);
// the policy still judges every field (resource.fields), so the rank only labels the request.

export const READ = 'dagster.read';
export const HARMLESS = 'dagster.harmless';
export const UNKNOWN_WRITE = 'dagster.write.unknown';

const RANKS: Readonly<Record<string, number>> = {
  [READ]: 0,
  [HARMLESS]: 1,
  'dagster.run.launch': 2,
  'dagster.run.reexecute': 2,
  'dagster.run.terminate': 2,
  'dagster.run.delete': 2,
  'dagster.backfill.launch': 2,
  'dagster.backfill.cancel': 2,
  'dagster.backfill.resume': 2,
  'dagster.backfill.reexecute': 2,
  'dagster.schedule.start': 2,
  'dagster.schedule.stop': 2,
  'dagster.schedule.reset': 2,
  'dagster.schedule.dryrun': 2,
  'dagster.sensor.edit': 2,
  'dagster.sensor.cursor': 2,
  'dagster.sensor.dryrun': 2,
  'dagster.asset.report': 3,
  'dagster.partition.edit': 3,
  'dagster.asset.wipe': 4,
  'dagster.location.reload': 4,
  'dagster.location.shutdown': 4,
  'dagster.workspace.reload': 4,
  'dagster.automaterialize.toggle': 4,
  'dagster.concurrency.edit': 4,
  [UNKNOWN_WRITE]: 5,
};

export function rank(action: string): number {
  return RANKS[action] ?? RANKS[UNKNOWN_WRITE]!;
}

/** The most privileged action; READ for an empty list. */
export function topAction(actions: readonly string[]): string {
  let top = READ;
  for (const a of actions) if (rank(a) > rank(top)) top = a;
  return top;
}

/** Mutations that create runs, whose response names them (run-id-tap.ts, run-notice.ts). */
export const LAUNCH_ACTIONS: ReadonlySet<string> = new Set(['dagster.run.launch', 'dagster.run.reexecute']);
