// Dagster's permission names and the UI's has*Permission fields, mapped to our actions, so the
// UI's buttons follow the same policy that decides the mutations behind them.

export const PERMISSION_ACTIONS: Readonly<Record<string, string>> = {
  launch_pipeline_execution: 'dagster.run.launch',
  launch_pipeline_reexecution: 'dagster.run.reexecute',
  start_schedule: 'dagster.schedule.start',
  stop_running_schedule: 'dagster.schedule.stop',
  schedule_dry_run: 'dagster.schedule.dryrun',
  edit_sensor: 'dagster.sensor.edit',
  sensor_dry_run: 'dagster.sensor.dryrun',
  update_sensor_cursor: 'dagster.sensor.cursor',
  terminate_pipeline_execution: 'dagster.run.terminate',
  delete_pipeline_run: 'dagster.run.delete',
  reload_repository_location: 'dagster.location.reload',
  reload_workspace: 'dagster.workspace.reload',
  wipe_assets: 'dagster.asset.wipe',
  report_runless_asset_events: 'dagster.asset.report',
  launch_partition_backfill: 'dagster.backfill.launch',
  cancel_partition_backfill: 'dagster.backfill.cancel',
  edit_dynamic_partitions: 'dagster.partition.edit',
  toggle_auto_materialize: 'dagster.automaterialize.toggle',
  edit_concurrency_limit: 'dagster.concurrency.edit',
};

/**
 * Boolean permission fields by field name (the names are distinctive across the schema, so no
 * schema is needed to find them). InstigationState's two depend on the instigator's type.
 */
export const BOOLEAN_FIELDS: Readonly<Record<string, string | { readonly schedule: string; readonly sensor: string }>> = {
  canBulkTerminate: 'dagster.run.terminate',
  hasLaunchExecutionPermission: 'dagster.run.launch',
  hasLaunchReexecutionPermission: 'dagster.run.reexecute',
  hasReExecutePermission: 'dagster.run.reexecute',
  hasTerminatePermission: 'dagster.run.terminate',
  hasDeletePermission: 'dagster.run.delete',
  hasStartPermission: { schedule: 'dagster.schedule.start', sensor: 'dagster.sensor.edit' },
  hasStopPermission: { schedule: 'dagster.schedule.stop', sensor: 'dagster.sensor.edit' },
  hasCursorUpdatePermissions: 'dagster.sensor.cursor',
  hasLaunchBackfillPermission: 'dagster.backfill.launch',
  hasCancelBackfillPermission: 'dagster.backfill.cancel',
  hasCancelPermission: 'dagster.backfill.cancel',
  hasResumePermission: 'dagster.backfill.resume',
  hasMaterializePermission: 'dagster.run.launch',
  hasWipePermission: 'dagster.asset.wipe',
  hasReportRunlessAssetEventPermission: 'dagster.asset.report',
};
