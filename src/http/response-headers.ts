// Response headers on their way back to the client. The upstream's hop-by-hop headers describe
// its connection to us, not ours to the client: Node frames the client response itself, so
// Transfer-Encoding, Connection and whatever Connection names are dropped here.

import { setCookieName, type CookieRule } from './cookies.js';
import type { HeaderOutput } from './headers.js';

const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * The upstream's headers as the client receives them. `ours` are the Set-Cookie values the proxy
 * already put on the response (a refreshed session): they go first, and the upstream may not set
 * the cookies `drop` names (the proxy's own, an upstream's session).
 */
export function clientResponseHeaders(upstream: Readonly<Record<string, string | string[] | undefined>>, ours: readonly string[], drop: CookieRule): HeaderOutput {
  const named = connectionTokens(upstream['connection']);
  const out: HeaderOutput = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || HOP_BY_HOP.has(name) || named?.has(name) === true) continue;
    if (name !== 'set-cookie') out[name] = value;
  }
  // Most responses carry no cookies either way: no arrays built for them.
  if (ours.length === 0 && upstream['set-cookie'] === undefined) return out;
  const cookies = [...ours, ...headerList(upstream['set-cookie']).filter((line) => !drop(setCookieName(line)))];
  if (cookies.length > 0) out['set-cookie'] = cookies;
  return out;
}

/** `Connection: keep-alive` (or close), which nearly every upstream response carries, names no header. */
const NAMES_NONE = /^[\t ]*(?:keep-alive|close)[\t ]*$/i;

function connectionTokens(value: string | string[] | undefined): ReadonlySet<string> | undefined {
  if (value === undefined || (typeof value === 'string' && NAMES_NONE.test(value))) return undefined;
  const tokens = headerList(value)
    .flatMap((v) => v.split(','))
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '' && t !== 'close' && t !== 'keep-alive');
  return tokens.length === 0 ? undefined : new Set(tokens);
}

/** A header's values as a list (Node gives one value as a string, several as an array). */
export function headerList(value: number | string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [String(value)];
}
