// Removing the proxy's own cookies from the Cookie header before it goes upstream: the session
// cookie is a credential to us, means nothing to Gerrit or Dagster, and forwarding it leaks it
// into upstream logs and bloats every request (oauth2-proxy#388). Other cookies (Gerrit's
// GerritAccount and XSRF_TOKEN) pass untouched, in their original order and spelling.

/** The Cookie value without the named cookies; undefined when nothing is left. */
export function withoutCookies(value: string, names: ReadonlySet<string>): string | undefined {
  if (names.size === 0) return value;
  const pairs = value.split(';');
  let kept: string[] | undefined;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    const eq = pair.indexOf('=');
    const name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    if (names.has(name)) {
      kept ??= pairs.slice(0, i).map((p) => p.trim());
    } else if (kept !== undefined) {
      kept.push(pair.trim());
    }
  }
  if (kept === undefined) return value;
  const rest = kept.filter((p) => p !== '');
  return rest.length === 0 ? undefined : rest.join('; ');
}
