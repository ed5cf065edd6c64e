// Gerrit's session rules. Gerrit authorizes REST calls without `/a/` by its `GerritAccount`
// cookie and ignores our identity header there, so a cookie minted while user A was signed in
// would keep acting as A after B signs in on the same browser. Changegate chooses "drop and
// rewrite" over "bind": `GerritAccount` (and its XSRF partner) are removed from every forwarded
// request and from every upstream response (the pipeline drops every upstream's session
// cookies), and REST calls are sent to `/a/...`, where Gerrit (auth.trustContainerAuth = true)
// takes the identity from our header on every request. Nothing is left that could speak for
// anyone else, and the proxy stays stateless.

import { isAuthenticated, type Identity } from '../../identity/types.js';
import type { UpstreamStamping } from '../../pipeline/types.js';

/** Gerrit's auth.httpHeader: the header it takes the username from. */
export const GERRIT_USERNAME_HEADER = 'X-Forwarded-User';

/** Gerrit's browser-session cookies (auth.cookiePath/cookieDomain do not change the names). */
export const GERRIT_SESSION_COOKIES: ReadonlySet<string> = new Set(['GerritAccount', 'XSRF_TOKEN']);

/** Gerrit REST roots that also exist under `/a/` (Gerrit's UrlModule). */
const GERRIT_REST = /^\/(?:changes|projects|groups|accounts|config|access|plugins)(?:\/|$)/;

/**
 * Gerrit path that authenticates by our identity header: REST calls without `/a/` are moved under
 * `/a/`. Other paths (UI pages, static assets, git URLs, already `/a/`) are returned unchanged.
 * The input is the normalized path below the route's prefix, without the query.
 */
export function gerritAuthenticatedPath(path: string): string {
  return GERRIT_REST.test(path) ? `/a${path}` : path;
}

export const gerritStamping: UpstreamStamping = {
  usernameHeader: GERRIT_USERNAME_HEADER,
  sessionCookies: GERRIT_SESSION_COOKIES,
  // Anonymous requests keep their path: Gerrit serves them as anonymous either way.
  path: (path: string, identity: Identity) => (isAuthenticated(identity) ? gerritAuthenticatedPath(path) : path),
};
