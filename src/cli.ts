#!/usr/bin/env node
// The `changegate` executable. All logic is in src/cli/main.ts; this file only binds it to the
// process.

import { runCli } from './cli/main.js';

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
// If something (a lingering socket, a timer) still holds the event loop after the command is
// done, don't hang forever; unref'd, so a clean exit is not delayed by it.
setTimeout(() => process.exit(code), 5_000).unref();
