// The environment a webserver (and its cleanup) runs with. Never the proxy's own: that holds the
// service account's password, the OIDC client secret, the signing keys. Only what a program needs
// to find its tools and speak the locale, then the operator's `env`, then the deployment's own
// variables (DAGSTER_CLOUD_*, CHANGEGATE_*), which win.

import { substitute, type PlaceholderValues } from './placeholders.js';

export const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'] as const;

export function childEnv(
  parent: NodeJS.ProcessEnv,
  configEnv: Readonly<Record<string, string>>,
  values: PlaceholderValues,
  specEnv: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(configEnv)) env[name] = substitute(value, values);
  for (const [name, value] of Object.entries(specEnv)) env[name] = value;
  return env;
}
