// The Dagster stand-in started as `dagster-webserver` is, so the branch-deployment launcher can
// spawn it in a checkout:
//   node dist/test/fakes/dagster/webserver-main.js -w workspace.yaml -h 127.0.0.1 -p 4123 --path-prefix /dagster/changes/42
// It serves the checkout's workspace (sidecars: DEFINITIONS.md) until SIGTERM or SIGINT, then
// closes and exits 0. With no arguments it does nothing and exits 0: `node --test dist/test/`
// runs every file under dist/test, this one included.

import { mkdirSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { hookedEnv, writeEnvHook } from './env-hook.js';
import { parseWebserverArgs, USAGE, type ServeArgs } from './webserver-args.js';

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** Dagster refuses a relative DAGSTER_HOME; the stand-in also creates a missing one. */
function prepareDagsterHome(home: string | undefined): string | null {
  if (home === undefined || home === '') return null;
  if (!isAbsolute(home)) fail(`dagster._core.errors.DagsterHomeException: $DAGSTER_HOME "${home}" must be an absolute path.`, 1);
  mkdirSync(home, { recursive: true });
  return home;
}

async function serve(args: ServeArgs, argv: readonly string[]): Promise<void> {
  const checkout = process.cwd();
  const dagsterHome = prepareDagsterHome(process.env['DAGSTER_HOME']);
  writeEnvHook(checkout, { pid: process.pid, argv, cwd: checkout, dagsterHome, env: hookedEnv(process.env) });
  // Imported only when serving, so the no-argument run loads nothing.
  const { startFakeDagster, WorkspaceFileError } = await import('./index.js');
  let dagster: Awaited<ReturnType<typeof startFakeDagster>>;
  try {
    dagster = await startFakeDagster({ host: args.host, port: args.port, pathPrefix: args.pathPrefix, workspaceFile: resolve(checkout, args.workspaceFile) });
  } catch (e) {
    if (e instanceof WorkspaceFileError) fail(`dagster-webserver (stand-in): invalid workspace: ${e.message}`, 1);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`dagster-webserver (stand-in): another process is already listening on ${args.host}:${args.port}`, 1);
    throw e;
  }
  process.stderr.write(`dagster-webserver - INFO - Serving dagster-webserver on http://${args.host}:${dagster.port}${args.pathPrefix} in process ${process.pid}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // close() ends every connection; the timer only guards against a hang, and never keeps us alive.
    setTimeout(() => process.exit(0), 5000).unref();
    void dagster.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.length === 0) return;
  const parsed = parseWebserverArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n  The Dagster webserver stand-in (Changegate tests). Options: -h/--host, -p/--port, -l/--path-prefix, -w/--workspace, --read-only.\n`);
    return;
  }
  if (parsed.kind === 'error') fail(`${USAGE}Try 'dagster-webserver --help' for help.\n\nError: ${parsed.message}`, 2);
  await serve(parsed.args, argv);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`dagster-webserver (stand-in) failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
