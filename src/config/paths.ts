// Relative filesystem paths in a config file (policy.path, policy.bundle, audit.path, stateDir,
// upstreams.dagster.graphqlSchema)
// resolve against the directory of that file, not the process's working directory, so
// `changegate serve --config /etc/changegate/config.yaml` means the same thing from any cwd.
// Defaults count too: an omitted audit.path is `var/audit.jsonl` next to the config file.

import { isAbsolute, resolve, sep } from 'node:path';
import type { Config } from './schema.js';

function against(baseDir: string, p: string): string {
  if (isAbsolute(p)) return p;
  const out = resolve(baseDir, p);
  // Keep a trailing slash: it tells a reader "directory" (`policies/`).
  return /[\\/]$/.test(p) && !out.endsWith(sep) ? out + sep : out;
}

export function resolveConfigPaths(config: Config, baseDir: string): Config {
  return {
    ...config,
    stateDir: against(baseDir, config.stateDir),
    policy: {
      ...config.policy,
      path: against(baseDir, config.policy.path),
      ...(config.policy.bundle === undefined ? {} : { bundle: against(baseDir, config.policy.bundle) }),
    },
    audit: {
      ...config.audit,
      path: against(baseDir, config.audit.path),
      ...(config.audit.signingKey === undefined ? {} : { signingKey: config.audit.signingKey }),
    },
    upstreams: {
      ...config.upstreams,
      ...(config.upstreams.dagster?.graphqlSchema === undefined
        ? {}
        : { dagster: { ...config.upstreams.dagster, graphqlSchema: against(baseDir, config.upstreams.dagster.graphqlSchema) } }),
    },
  };
}
