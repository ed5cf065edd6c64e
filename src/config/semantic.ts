// Checks that need the whole config, after the schema has passed: mistakes that are valid
// field by field but can't work together. Same `<path>: <reason>` lines as schema problems.

import type { Config, UpstreamConfig } from './schema.js';

function sameListen(a: string, b: string): boolean {
  // Port 0 asks the OS for a free port, so two port-0 listeners never collide.
  return a === b && !/(^|:)0$/.test(a);
}

function routeKey(u: UpstreamConfig): string {
  return `${u.host ?? '*'} ${u.pathPrefix}`;
}

export function semanticProblems(config: Config): string[] {
  const problems: string[] = [];
  if (sameListen(config.admin.listen, config.listen)) {
    problems.push('admin.listen: must differ from listen (the admin listener is never on the ingress)');
  }
  const { gerrit, dagster } = config.upstreams;
  if (gerrit !== undefined && dagster !== undefined && routeKey(gerrit) === routeKey(dagster)) {
    problems.push('upstreams.dagster: same host and pathPrefix as upstreams.gerrit (give one a different pathPrefix or host)');
  }
  return problems;
}
