// Which upstream a request belongs to. Routes are resolved once at config load and matched on
// the normalized path (and Host when configured); the longest matching prefix wins, so
// `/dagster` beats `/` whatever the order in the file.

import type { UpstreamConfig } from '../config/schema.js';
import type { UpstreamName } from '../policy/types.js';

export interface Route {
  readonly upstream: UpstreamName;
  readonly config: UpstreamConfig;
  readonly target: URL;
  /** Lower-cased host to match, or undefined to match any Host. */
  readonly host: string | undefined;
  /** Prefix without a trailing slash; '' for the root prefix. */
  readonly prefix: string;
}

export function buildRoutes(upstreams: Partial<Record<UpstreamName, UpstreamConfig>>): readonly Route[] {
  const routes: Route[] = [];
  for (const [name, config] of Object.entries(upstreams) as [UpstreamName, UpstreamConfig | undefined][]) {
    if (config === undefined) continue;
    const prefix = config.pathPrefix === '/' ? '' : config.pathPrefix.replace(/\/+$/, '');
    routes.push({ upstream: name, config, target: new URL(config.url), host: config.host?.toLowerCase(), prefix });
  }
  // Host-specific routes first, then longer prefixes first.
  return routes.sort((a, b) => Number(b.host !== undefined) - Number(a.host !== undefined) || b.prefix.length - a.prefix.length);
}

export function matchRoute(routes: readonly Route[], host: string, path: string): Route | undefined {
  const hostname = stripPort(host).toLowerCase();
  for (const route of routes) {
    if (route.host !== undefined && route.host !== hostname) continue;
    if (route.prefix === '' || path === route.prefix || path.startsWith(route.prefix + '/') || path.startsWith(route.prefix + '?')) {
      return route;
    }
  }
  return undefined;
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
