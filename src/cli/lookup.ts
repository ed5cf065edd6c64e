// Find which command argv selects: the longest command name that prefixes argv.

import type { Command } from './command.js';

export interface Match {
  readonly command: Command;
  readonly rest: readonly string[];
}

export function findCommand(commands: readonly Command[], argv: readonly string[]): Match | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    const fits = c.name.length <= argv.length && c.name.every((w, i) => argv[i] === w);
    if (fits && (best === undefined || c.name.length > best.name.length)) best = c;
  }
  return best === undefined ? undefined : { command: best, rest: argv.slice(best.name.length) };
}

/** Commands under a group word, such as every `config ...` command for `changegate config`. */
export function commandsUnder(commands: readonly Command[], prefix: readonly string[]): Command[] {
  return commands.filter((c) => c.name.length > prefix.length && prefix.every((w, i) => c.name[i] === w));
}

export function commandName(c: Command): string {
  return c.name.join(' ');
}
