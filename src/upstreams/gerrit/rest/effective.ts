// What Gerrit's REST servlet will actually run: the effective method (a POST may carry
// `$m=PUT|DELETE`) and the path segments below the optional `/a/` prefix. Classifying on
// anything else would let a client dress a write up as something we allow.

import { ChangegateError } from '../../../errors.js';

export type EffectiveMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'UNKNOWN';

export interface RestTarget {
  readonly method: EffectiveMethod;
  /** Path segments below the route prefix and `/a/`, still percent-encoded, `;params` cut. */
  readonly segments: readonly string[];
  /** True when the client used `/a/` (authenticated REST). */
  readonly authenticated: boolean;
}

const READ_LIKE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function effectiveMethod(method: string, query: string): EffectiveMethod {
  const overrides = methodOverrides(query);
  if (overrides.length === 0) {
    if (READ_LIKE.has(method)) return 'GET';
    return method === 'POST' || method === 'PUT' || method === 'DELETE' ? method : 'UNKNOWN';
  }
  // Gerrit honours $m on POST only; anything else carrying it, or several of them, is odd
  // enough that we refuse to guess.
  if (method !== 'POST' || overrides.length > 1) return 'UNKNOWN';
  const m = (overrides[0] ?? '').toUpperCase();
  if (m === 'PUT' || m === 'DELETE' || m === 'POST') return m;
  if (m === 'GET') return 'GET';
  return 'UNKNOWN';
}

function methodOverrides(query: string): string[] {
  if (query === '') return [];
  const out: string[] = [];
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const name = safeDecode(eq < 0 ? part : part.slice(0, eq));
    if (name === '$m') out.push(eq < 0 ? '' : safeDecode(part.slice(eq + 1)));
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new ChangegateError('bad_request', 'the query string is not valid percent-encoding');
  }
}

/** Splits the normalized path; `prefix` is the route's path prefix ('/' for a root mount). */
export function restTarget(method: string, path: string, query: string, prefix: string): RestTarget {
  const below = stripPrefix(path, prefix);
  let segments = below.split('/').filter((s, i) => !(i === 0 && s === ''));
  // The servlet container drops `;params` from each segment before Gerrit sees it.
  segments = segments.map((s) => {
    const semi = s.indexOf(';');
    return semi < 0 ? s : s.slice(0, semi);
  });
  // Cut trailing empty segments in one slice: one copy per segment removed is quadratic.
  let kept = segments.length;
  while (kept > 0 && segments[kept - 1] === '') kept--;
  if (kept < segments.length) segments = segments.slice(0, kept);
  const authenticated = segments[0] === 'a';
  if (authenticated) segments = segments.slice(1);
  return { method: effectiveMethod(method, query), segments, authenticated };
}

export function stripPrefix(path: string, prefix: string): string {
  if (prefix === '/' || prefix === '') return path;
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === p ? '/' : path.startsWith(`${p}/`) ? path.slice(p.length) : path;
}
