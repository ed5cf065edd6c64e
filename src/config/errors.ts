// A config that cannot be used. It carries one line per problem, each `<where>: <what>`, so the
// CLI can print them all at once instead of making the operator fix them one run at a time.

import { ChangegateError } from '../errors.js';

export class ConfigError extends ChangegateError {
  /** Where the config came from: a file path, or a label such as "(embedded default)". */
  readonly source: string;
  readonly lines: readonly string[];

  constructor(source: string, lines: readonly string[], options: { cause?: unknown } = {}) {
    const first = lines[0] ?? 'invalid configuration';
    const more = lines.length > 1 ? ` (and ${lines.length - 1} more)` : '';
    super('config_invalid', `invalid config ${source}: ${first}${more}`, {
      details: { problems: [...lines] },
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'ConfigError';
    this.source = source;
    this.lines = lines;
  }
}

export function isConfigError(e: unknown): e is ConfigError {
  return e instanceof ConfigError;
}
