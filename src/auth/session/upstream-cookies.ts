// What of the browser's cookies an upstream may see. Our own cookies never leave the proxy:
// forwarding them leaks the session to the upstream and is how proxies end up sending headers
// large enough for a 431 (oauth2-proxy#388, #1388, #644). An upstream's own session cookies
// are dropped too (each upstream names them, see `UpstreamStamping.sessionCookies`): the
// caller passes that rule as `alsoDrop`.

import { setCookieName, withoutCookies, type CookieRule } from '../../http/cookies.js';
import { isOwnCookie } from './cookies.js';

/** The rule for cookies that never reach an upstream: ours (every chunk, the sign-in cookie), plus `alsoDrop`. */
export function upstreamCookieRule(alsoDrop: CookieRule = () => false): CookieRule {
  return (name) => isOwnCookie(name) || alsoDrop(name);
}

/**
 * The Cookie header to forward upstream, or undefined when nothing is left (drop the header).
 * Keeps every other cookie byte for byte.
 */
export function cookiesToForward(cookieHeader: string | readonly string[] | undefined, drop: CookieRule = upstreamCookieRule()): string | undefined {
  if (cookieHeader === undefined) return undefined;
  return withoutCookies(typeof cookieHeader === 'string' ? cookieHeader : cookieHeader.join('; '), drop);
}

/** Upstream Set-Cookie values the browser may receive: none that would forge ours, or set one `drop` names. */
export function setCookiesFromUpstream(setCookies: readonly string[] | undefined, drop: CookieRule = upstreamCookieRule()): string[] {
  if (setCookies === undefined) return [];
  return setCookies.filter((line) => !drop(setCookieName(line)));
}
