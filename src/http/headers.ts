// Request headers on their way upstream. Everything a client sent that describes its own
// connection, claims an identity, claims where the client is, or rewrites the URL or method is
// removed here; the proxy then sets its own identity, X-Forwarded-* and X-Request-Id headers on
// the result (stamping always comes after stripping, so no client header, and no client
// `Connection` token, can remove or shadow what the proxy set).
//
// Rules (names compared lowercase with `_` folded to `-`; see header-names.ts for the lists):
// - Hop-by-hop: Connection, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, HTTP2-Settings,
//   Proxy-*, and every header a Connection value names, except the ones policy reads (Host,
//   Content-Length/-Type/-Encoding, Authorization, Cookie), which a client cannot make vanish.
//   `keepUpgrade` keeps Upgrade for a WebSocket handshake the server tunnels itself.
// - Identity: every X-Forwarded-* other than For/Proto/Host/Port/Prefix/..., X-Changegate-*,
//   X-Auth-Request-*, X-Gerrit-RunAs, (X-)Remote-User, and configured names (the Gerrit auth
//   header), in every case and `-`/`_` spelling, all copies.
// - Forwarding: Forwarded, X-Forwarded-For/-Proto/-Host/..., X-Real-IP and other client-IP
//   headers, URL and method overrides, X-Request-Id.
// - Credentials for the proxy: Authorization (unless `forwardAuthorization`), and the proxy's
//   own cookies inside Cookie (`dropCookie`).
// - Any other name containing `_` is dropped too (as nginx does by default): such names exist
//   to be folded into something else by some server.
//
// Works on req.headers (what http-proxy forwards) and on req.rawHeaders (every copy as sent).

import { withoutCookies, type CookieRule } from './cookies.js';
import { CONNECTION_PROTECTED, Strip, builtinStrip, canonicalHeaderName } from './header-names.js';

export type HeaderValue = string | string[];
/** Node's IncomingHttpHeaders and OutgoingHttpHeaders both fit. */
export type HeaderInput = Readonly<Record<string, HeaderValue | number | undefined>>;
export type HeaderOutput = Record<string, HeaderValue>;

export interface HeaderPolicyOptions {
  /** Extra identity header names to strip, such as Gerrit's `auth.httpHeader`. */
  readonly identityHeaders?: readonly string[];
  /** Drop every header whose name contains `_` (default true). */
  readonly dropUnderscoreNames?: boolean;
  /**
   * Forward the client's Authorization header (default false). The proxy consumes it (bearer
   * JWT, PAT); upstreams get identity from the stamped headers, and forwarding it would hand a
   * credential, and a second identity channel, to the upstream.
   */
  readonly forwardAuthorization?: boolean;
  /** Which cookies never go upstream (the proxy's own); absent, Cookie passes untouched. */
  readonly dropCookie?: CookieRule;
}

export interface StripOptions {
  /** Keep Upgrade (the WebSocket handshake the server forwards itself). */
  readonly keepUpgrade?: boolean;
}

/** Compiled once from config; decides per header name. */
export class HeaderPolicy {
  readonly #extraIdentity: ReadonlySet<string>;
  readonly #dropUnderscore: boolean;
  readonly dropCookie: CookieRule | undefined;

  constructor(options: HeaderPolicyOptions = {}) {
    const identity = (options.identityHeaders ?? []).map(canonicalHeaderName);
    if (options.forwardAuthorization !== true) identity.push('authorization');
    this.#extraIdentity = new Set(identity);
    this.#dropUnderscore = options.dropUnderscoreNames ?? true;
    this.dropCookie = options.dropCookie;
  }

  /** Names seen before; header names are a small vocabulary, so this is nearly always a hit. */
  readonly #memo = new Map<string, Strip>();

  /** The rule for a header name as sent (any case, `_` or `-`). */
  classify(name: string): Strip {
    const hit = this.#memo.get(name);
    if (hit !== undefined) return hit;
    const rule = this.#classify(name);
    if (this.#memo.size >= 4096) this.#memo.clear(); // random names: stop benefiting, stay bounded
    this.#memo.set(name, rule);
    return rule;
  }

  #classify(name: string): Strip {
    const canonical = canonicalHeaderName(name);
    const builtin = builtinStrip(canonical);
    if (builtin !== Strip.Keep) return builtin;
    if (this.#extraIdentity.has(canonical)) return Strip.Identity;
    if (this.#dropUnderscore && name.indexOf('_') >= 0) return Strip.Identity;
    return Strip.Keep;
  }
}

const DEFAULT_POLICY = new HeaderPolicy();

/**
 * Everything that may go upstream: hop-by-hop, Connection-named, identity and forwarding
 * headers removed in one pass. The proxy adds its own headers to the returned object.
 */
export function upstreamHeaders(headers: HeaderInput, policy: HeaderPolicy = DEFAULT_POLICY, options: StripOptions = {}): HeaderOutput {
  const named = connectionTokens(headers['connection']);
  const out: HeaderOutput = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (!(options.keepUpgrade === true && isUpgrade(name))) {
      if (policy.classify(name) !== Strip.Keep) continue;
      if (named !== undefined && named.has(canonicalHeaderName(name))) continue;
    }
    if (name === 'cookie' && typeof value === 'string') {
      const cookie = withoutCookies(value, policy.dropCookie);
      if (cookie !== undefined) out[name] = cookie;
      continue;
    }
    out[name] = typeof value === 'number' ? String(value) : value;
  }
  return out;
}

/** Removes hop-by-hop headers and the headers Connection names. */
export function stripHopByHop(headers: HeaderInput, options: StripOptions = {}): HeaderOutput {
  const named = connectionTokens(headers['connection']);
  return filter(headers, (name) => {
    if (options.keepUpgrade === true && isUpgrade(name)) return true;
    if (builtinStrip(canonicalHeaderName(name)) === Strip.HopByHop) return false;
    return named === undefined || !named.has(canonicalHeaderName(name));
  });
}

/** Removes every client-sent identity claim (see the file header). */
export function stripIdentityHeaders(headers: HeaderInput, policy: HeaderPolicy = DEFAULT_POLICY): HeaderOutput {
  return filter(headers, (name) => policy.classify(name) !== Strip.Identity);
}

/** The same rules over req.rawHeaders ([name, value, name, value, ...], every copy as sent). */
export function upstreamRawHeaders(raw: readonly string[], policy: HeaderPolicy = DEFAULT_POLICY, options: StripOptions = {}): string[] {
  const named = rawConnectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (!(options.keepUpgrade === true && isUpgrade(name))) {
      if (policy.classify(name) !== Strip.Keep) continue;
      if (named !== undefined && named.has(canonicalHeaderName(name))) continue;
    }
    if (name.length === 6 && name.toLowerCase() === 'cookie') {
      const cookie = withoutCookies(raw[i + 1]!, policy.dropCookie);
      if (cookie !== undefined) out.push(name, cookie);
      continue;
    }
    out.push(name, raw[i + 1]!);
  }
  return out;
}

function filter(headers: HeaderInput, keep: (name: string) => boolean): HeaderOutput {
  const out: HeaderOutput = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || !keep(name)) continue;
    out[name] = typeof value === 'number' ? String(value) : value;
  }
  return out;
}

function isUpgrade(name: string): boolean {
  return name.length === 7 && name.toLowerCase() === 'upgrade';
}

/** Header names a Connection value nominates, canonical; undefined when there are none. */
function connectionTokens(value: HeaderValue | number | undefined): Set<string> | undefined {
  if (value === undefined || typeof value === 'number') return undefined;
  return addTokens(undefined, typeof value === 'string' ? value : value.join(','));
}

function rawConnectionTokens(raw: readonly string[]): Set<string> | undefined {
  let set: Set<string> | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (canonicalHeaderName(raw[i]!) === 'connection') set = addTokens(set, raw[i + 1]!);
  }
  return set;
}

function addTokens(set: Set<string> | undefined, value: string): Set<string> | undefined {
  for (const part of value.split(',')) {
    const token = canonicalHeaderName(part.trim());
    // `close` is an option, not a name; hop-by-hop names go anyway (so the usual
    // `Connection: keep-alive` costs nothing); protected names cannot be removed.
    if (token === '' || token === 'close' || CONNECTION_PROTECTED.has(token) || builtinStrip(token) === Strip.HopByHop) continue;
    (set ??= new Set()).add(token);
  }
  return set;
}
