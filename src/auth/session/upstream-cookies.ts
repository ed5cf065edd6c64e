// What of the browser's cookies an upstream may see. Our own cookies never leave the proxy:
// forwarding them leaks the session to the upstream and is how proxies end up sending headers
// large enough for a 431 (oauth2-proxy#388, #1388, #644).
//
// Gerrit's own session cookie is dropped too. Gerrit authorizes REST calls without `/a/` by its
// `GerritAccount` cookie and ignores our identity header there, so a cookie minted while user A
// was signed in would keep acting as A after B signs in on the same browser. Changegate chooses
// "drop and rewrite" over "bind": `GerritAccount` (and its XSRF partner) are removed from every
// forwarded request and from every upstream response, and REST calls are sent to `/a/...`
// (see gerritAuthenticatedPath), where Gerrit (auth.trustContainerAuth = true) takes the
// identity from our header on every request. Nothing is left that could speak for anyone else,
// and the proxy stays stateless.

import { withoutCookies } from '../../http/cookies.js';
import { isOwnCookie } from './cookies.js';

/** Gerrit's browser-session cookies (auth.cookiePath/cookieDomain do not change the names). */
export const GERRIT_SESSION_COOKIES: ReadonlySet<string> = new Set(['GerritAccount', 'XSRF_TOKEN']);

/** Cookies that never reach an upstream: ours (every chunk, the sign-in cookie) and Gerrit's session. */
export function isProxyOrGerritSessionCookie(name: string): boolean {
  return isOwnCookie(name) || GERRIT_SESSION_COOKIES.has(name);
}

function keepForUpstream(name: string): boolean {
  return !isProxyOrGerritSessionCookie(name);
}

/**
 * The Cookie header to forward upstream, or undefined when nothing is left (drop the header).
 * Keeps every other cookie byte for byte.
 */
export function cookiesToForward(cookieHeader: string | readonly string[] | undefined): string | undefined {
  if (cookieHeader === undefined) return undefined;
  return withoutCookies(typeof cookieHeader === 'string' ? cookieHeader : cookieHeader.join('; '), isProxyOrGerritSessionCookie);
}

/** Upstream Set-Cookie values the browser may receive: none that would plant a Gerrit session or forge ours. */
export function setCookiesFromUpstream(setCookies: readonly string[] | undefined): string[] {
  if (setCookies === undefined) return [];
  return setCookies.filter((line) => {
    const eq = line.indexOf('=');
    const name = (eq < 0 ? line : line.slice(0, eq)).trim();
    return keepForUpstream(name);
  });
}

/** Gerrit REST roots that also exist under `/a/` (Gerrit's UrlModule). */
const GERRIT_REST = /^\/(?:changes|projects|groups|accounts|config|access|plugins)(?:\/|$)/;

/**
 * Gerrit path that authenticates by our identity header: REST calls without `/a/` are moved under
 * `/a/`. Other paths (UI pages, static assets, git URLs, already `/a/`) are returned unchanged.
 * The input is the normalized path without the query.
 */
export function gerritAuthenticatedPath(path: string): string {
  return GERRIT_REST.test(path) ? `/a${path}` : path;
}
