// Where a browser goes after signing in (`rd`). Only a path on this origin is ever accepted:
// open redirects on sign-in endpoints are the most reported advisory class in identity-aware
// proxies (oauth2-proxy GHSA-j7px-6hwj-hpjg, GHSA-5m6c-jp6f-2vcv). Browsers are lenient in ways
// that turn harmless-looking paths into other hosts (`//evil`, `/\evil`, tabs dropped from URLs),
// so the rules reject rather than repair, and check every percent-decoded layer too.

const MAX_RETURN_PATH = 2048;
const DECODE_LAYERS = 3;
const PROBE_ORIGIN = 'http://changegate.invalid';
export const DEFAULT_RETURN_PATH = '/';

/** Our own sign-in routes: landing back on them would start another sign-in, a redirect loop. */
const LOOPING_PREFIXES = ['/.changegate/login', '/.changegate/callback', '/.changegate/logout'];

/** Printable ASCII only: anything else is either a control character or a lookalike. */
function isPrintableAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** True when a browser could read this as leaving the origin (scheme-relative or backslash). */
function looksLikeAuthority(s: string): boolean {
  return s.startsWith('//') || s.startsWith('/\\') || s.includes('\\');
}

function decodeOnce(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Every layer of percent-decoding must be as harmless as the raw value. */
function decodedLayersSafe(raw: string): boolean {
  let layer = raw;
  for (let i = 0; i < DECODE_LAYERS; i++) {
    const next = decodeOnce(layer);
    if (next === null) return false;
    if (next === layer) return true;
    if (!isPrintableAscii(next.replace(/ /g, '_')) || looksLikeAuthority(next)) return false;
    layer = next;
  }
  // Still changing after several layers: someone is layering encodings on purpose.
  return false;
}

/**
 * The path to send a browser back to after sign-in, or `fallback` when `rd` is not a plain
 * same-origin path. The result is what a browser would resolve `rd` to (dot segments removed).
 */
export function safeReturnPath(rd: unknown, fallback: string = DEFAULT_RETURN_PATH): string {
  if (typeof rd !== 'string' || rd.length === 0 || rd.length > MAX_RETURN_PATH) return fallback;
  if (!isPrintableAscii(rd) || !rd.startsWith('/') || looksLikeAuthority(rd)) return fallback;
  if (!decodedLayersSafe(rd)) return fallback;
  let url: URL;
  try {
    url = new URL(rd, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_ORIGIN || url.username !== '' || url.password !== '') return fallback;
  const path = url.pathname + url.search;
  if (!path.startsWith('/') || path.startsWith('//')) return fallback;
  if (LOOPING_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`))) return fallback;
  return path;
}
