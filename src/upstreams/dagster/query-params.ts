// Query strings read as the Dagster webserver reads them. Starlette's `request.query_params` is
// `QueryParams(scope["query_string"].decode("latin-1"))`, which is
// `urllib.parse.parse_qsl(qs, keep_blank_values=True)` in an ImmutableMultiDict whose `get` and
// `[]` return the LAST value of a repeated name. parse_qsl splits on `&` (and, before Python
// 3.9.2 / 3.8.8 / 3.7.10 / 3.6.13, on `;` too), drops empty pieces, splits each on the first `=`
// (no `=`: the value is ''), turns `+` into a space, then percent-decodes as UTF-8 with
// errors='replace' (a malformed escape stays as it is). Where our reading could differ, we refuse:
//   - a raw `;` anywhere in the query (400): some Pythons split on it, so `a=1;query=...` hides a
//     second parameter from a reader that splits on `&` only;
//   - a parameter we read that appears twice (400): Starlette takes the last copy;
//   - an escape that does not decode to UTF-8 (400): Python would substitute U+FFFD.
// Malformed escapes, raw controls, spaces, non-ASCII and `#` never get here (proxy/query.ts).
// README.md lists every case checked.

import { ChangegateError } from '../../errors.js';

/** Refuses what two readers of one Dagster query string could split differently. */
export function refuseAmbiguousQuery(query: string): void {
  if (query.includes(';')) {
    throw new ChangegateError('bad_request', 'a raw ";" in a Dagster query string is refused (some Python versions split parameters on it); encode it as %3B');
  }
}

/**
 * The values of the parameters named in `names`, decoded as parse_qsl decodes them; a name
 * sent twice is refused, since Starlette would act on the last copy and other readers the first.
 */
export function dagsterQueryParams<N extends string>(query: string, names: readonly N[]): Partial<Record<N, string>> {
  refuseAmbiguousQuery(query);
  const wanted = new Set<string>(names);
  const out = new Map<N, string>();
  if (query === '') return {};
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = decode(eq < 0 ? piece : piece.slice(0, eq));
    if (!wanted.has(name)) continue;
    if (out.has(name as N)) throw new ChangegateError('bad_request', `the query string repeats "${name}"; send it once`);
    out.set(name as N, decode(eq < 0 ? '' : piece.slice(eq + 1)));
  }
  return Object.fromEntries(out) as Partial<Record<N, string>>;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new ChangegateError('bad_request', 'the query string has a percent-escape that is not UTF-8 (Dagster would read it as U+FFFD)');
  }
}
