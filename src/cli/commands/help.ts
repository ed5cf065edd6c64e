// `changegate help [COMMAND...]` and the text behind every --help: generated from the registry,
// so a new command shows up without touching this file.

import type { Command, CliIo } from '../command.js';
import { commandName, commandsUnder, findCommand } from '../lookup.js';

export function renderOverview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => commandName(c).length));
  const rows = commands.map((c) => `  ${commandName(c).padEnd(width)}  ${c.summary}`);
  return [
    'Usage: changegate <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    'Run `changegate <command> --help` for the options of one command.',
    '',
  ].join('\n');
}

/** Usage for a group word with no command of its own, such as `changegate config`. */
export function renderGroup(prefix: readonly string[], commands: readonly Command[]): string {
  return renderOverview(commandsUnder(commands, prefix)).replace('<command>', `${prefix.join(' ')} <command>`);
}

export function renderUsage(command: Command): string {
  return command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`;
}

export function helpCommand(commands: () => readonly Command[]): Command {
  return {
    name: ['help'],
    summary: 'Show the list of commands, or the usage of one command',
    usage: 'Usage: changegate help [COMMAND...]\n\nWith no argument, lists every command. With a command name, shows its usage.',
    async run(args: readonly string[], io: CliIo): Promise<number> {
      const all = commands();
      if (args.length === 0) {
        io.stdout.write(renderOverview(all));
        return 0;
      }
      const match = findCommand(all, args);
      if (match !== undefined && match.rest.length === 0) {
        io.stdout.write(renderUsage(match.command));
        return 0;
      }
      if (commandsUnder(all, args).length > 0) {
        io.stdout.write(renderGroup(args, all));
        return 0;
      }
      io.stderr.write(`changegate: no command "${args.join(' ')}"\n\n${renderOverview(all)}`);
      return 2;
    },
  };
}
