// The CLI dispatcher: argv -> command -> exit code. Kept apart from src/cli.ts (the process
// entry) so tests can run it in-process with captured streams.

import type { Command, CliIo } from './command.js';
import { wantsHelp } from './args.js';
import { renderGroup, renderOverview, renderUsage } from './commands/help.js';
import { commandsUnder, findCommand } from './lookup.js';
import { COMMANDS } from './registry.js';
import { reportError } from './report-error.js';
import { packageVersion } from './version.js';

export async function runCli(argv: readonly string[], io: CliIo, commands: readonly Command[] = COMMANDS): Promise<number> {
  const first = argv[0];
  if (first === undefined) {
    io.stderr.write(renderOverview(commands));
    return 2;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(renderOverview(commands));
    return 0;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`changegate ${packageVersion()}\n`);
    return 0;
  }
  const match = findCommand(commands, argv);
  if (match === undefined) return unknownCommand(argv, io, commands);
  if (wantsHelp(match.rest)) {
    io.stdout.write(renderUsage(match.command));
    return 0;
  }
  try {
    return await match.command.run(match.rest, io);
  } catch (e) {
    return reportError(e, io, match.command.usage);
  }
}

function unknownCommand(argv: readonly string[], io: CliIo, commands: readonly Command[]): number {
  // A group word (`changegate config`) gets the list of its commands.
  const group = argv.slice(0, 1);
  if (commandsUnder(commands, group).length > 0) {
    const help = wantsHelp(argv.slice(1));
    if (!help && argv.length > 1) io.stderr.write(`changegate: unknown command "${argv.slice(0, 2).join(' ')}"\n\n`);
    (help ? io.stdout : io.stderr).write(renderGroup(group, commands));
    return help ? 0 : 2;
  }
  io.stderr.write(`changegate: unknown command "${argv[0]}"\n\n${renderOverview(commands)}`);
  return 2;
}
