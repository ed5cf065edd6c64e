// `changegate config check FILE`: validate a config (YAML, ${ENV} interpolation, schema) and
// print a short summary, without opening any port. Exit 2 on a bad config.

import { loadConfigFile } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { parseArgs, UsageError } from '../args.js';
import type { Command, CliIo } from '../command.js';

const USAGE = `Usage: changegate config check FILE

Validates FILE: YAML syntax, \${ENV_NAME} interpolation from the current environment, and the
config schema. Prints "config OK: FILE" and a summary (upstreams, issuers, roles), or one line
per problem on stderr ("upstreams.dagster.url: expected an http(s) URL") and exits 2.`;

/** A URL for display: credentials in userinfo are dropped. */
function showUrl(raw: string): string {
  const u = new URL(raw);
  u.username = '';
  u.password = '';
  return u.href;
}

export function summarize(config: Config): string[] {
  const upstreams = Object.entries(config.upstreams)
    .filter((e): e is [string, NonNullable<(typeof e)[1]>] => e[1] !== undefined)
    .map(([name, u]) => `${name} -> ${showUrl(u.url)} (prefix ${u.pathPrefix}${u.host === undefined ? '' : `, host ${u.host}`})`);
  const issuers = [
    ...config.identity.bearer.map((b) => `${b.issuer} (bearer)`),
    ...(config.identity.oidc === undefined ? [] : [`${config.identity.oidc.issuer} (browser sign-in)`]),
  ];
  const roles = Object.keys(config.identity.roles);
  return [
    `  listen: ${config.listen}, admin: ${config.admin.listen}`,
    `  upstreams: ${upstreams.join(', ')}`,
    `  issuers: ${issuers.length === 0 ? '(none)' : issuers.join(', ')}`,
    `  roles: ${roles.length === 0 ? '(none mapped)' : roles.join(', ')}`,
  ];
}

export const configCheckCommand: Command = {
  name: ['config', 'check'],
  summary: 'Validate a config file and exit without serving',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { positionals } = parseArgs(args, {});
    if (positionals.length !== 1) throw new UsageError('expected exactly one FILE');
    const file = positionals[0]!;
    const config = await loadConfigFile(file, { env: io.env, cwd: io.cwd });
    io.stdout.write(`config OK: ${file}\n${summarize(config).join('\n')}\n`);
    return 0;
  },
};
