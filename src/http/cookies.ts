// Removing cookies from the Cookie header before it goes upstream: the proxy's session cookie is
// a credential to us, means nothing to Gerrit or Dagster, and forwarding it leaks it into
// upstream logs and bloats every request (oauth2-proxy#388). Which cookies go is the caller's
// rule (src/auth/session/upstream-cookies.ts, and each upstream's session cookies); the rest pass in their original order and spelling.

/** Decides, by cookie name, which cookies never reach an upstream. */
export type CookieRule = (name: string) => boolean;

/**
 * The Cookie value without the cookies `drop` names; undefined when nothing is left. A nameless
 * fragment is dropped too: it is no one's cookie, but a lenient parser could read it as one.
 */
export function withoutCookies(value: string, drop: CookieRule | undefined): string | undefined {
  if (drop === undefined) return value;
  const pairs = value.split(';');
  let kept: string[] | undefined;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    const eq = pair.indexOf('=');
    const name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    if (drop(name) || (eq <= 0 && pair.trim() !== '')) {
      kept ??= pairs.slice(0, i).map((p) => p.trim());
    } else if (kept !== undefined) {
      kept.push(pair.trim());
    }
  }
  if (kept === undefined) return value;
  const rest = kept.filter((p) => p !== '');
  return rest.length === 0 ? undefined : rest.join('; ');
}

/** The cookie name a Set-Cookie line sets. */
export function setCookieName(line: string): string {
  const eq = line.indexOf('=');
  return (eq < 0 ? line : line.slice(0, eq)).trim();
}
