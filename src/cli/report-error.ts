// How a command failure reaches the operator: config problems as their `<path>: <reason>` lines
// (exit 2), usage errors with the command's usage (exit 2), anything else as one line (exit 1).

import { isConfigError } from '../config/errors.js';
import type { CliIo } from './command.js';
import { UsageError } from './args.js';

export function reportError(e: unknown, io: CliIo, usage: string): number {
  if (isConfigError(e)) {
    io.stderr.write(`invalid config ${e.source}:\n${e.lines.map((l) => `  ${l}\n`).join('')}`);
    return 2;
  }
  if (e instanceof UsageError) {
    io.stderr.write(`changegate: ${e.message}\n\n${usage.endsWith('\n') ? usage : `${usage}\n`}`);
    return 2;
  }
  io.stderr.write(`changegate: ${e instanceof Error ? e.message : String(e)}\n`);
  return 1;
}
