// Our browser cookies: names, the one attribute set, chunking and parsing. Browsers cap a
// cookie near 4096 bytes, so a sealed session larger than CHUNK_BYTES is split into numbered
// cookies (`name.0`, `name.1`, ...) and joined again on the way in.

export const SESSION_COOKIE = 'changegate';
export const SECURE_SESSION_COOKIE = '__Host-changegate';
export const SIGNIN_COOKIE = 'changegate-signin';
export const SECURE_SIGNIN_COOKIE = '__Host-changegate-signin';

export const CHUNK_BYTES = 3800;
/** Upper bound on chunks read or cleared; a session never needs more (see session/bounds.ts). */
export const MAX_CHUNKS = 6;

export interface CookieNames {
  readonly session: string;
  readonly signin: string;
  readonly secure: boolean;
}

/** `__Host-` names over TLS: they force Secure, Path=/ and no Domain, so no sibling host can plant one. */
export function cookieNames(secure: boolean): CookieNames {
  return secure
    ? { session: SECURE_SESSION_COOKIE, signin: SECURE_SIGNIN_COOKIE, secure }
    : { session: SESSION_COOKIE, signin: SIGNIN_COOKIE, secure };
}

export type CookiePair = readonly [name: string, value: string];

/** Parses a Cookie header into pairs, in order, keeping duplicates (the caller decides). */
export function parseCookieHeader(header: string | readonly string[] | undefined): CookiePair[] {
  if (header === undefined) return [];
  const text = typeof header === 'string' ? header : header.join('; ');
  const pairs: CookiePair[] = [];
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name !== '') pairs.push([name, value]);
  }
  return pairs;
}

/** First value of a cookie, if present. */
export function cookieValue(pairs: readonly CookiePair[], name: string): string | undefined {
  return pairs.find(([n]) => n === name)?.[1];
}

/** True for any cookie of ours, in either naming (TLS or not) and any chunk. */
export function isOwnCookie(name: string): boolean {
  for (const base of [SESSION_COOKIE, SECURE_SESSION_COOKIE, SIGNIN_COOKIE, SECURE_SIGNIN_COOKIE]) {
    if (name === base) return true;
    if (name.startsWith(`${base}.`) && /^\d{1,2}$/.test(name.slice(base.length + 1))) return true;
  }
  return false;
}

/** Reads a value stored whole (`name`) or in chunks (`name.0`, `name.1`, ...). */
export function readChunked(pairs: readonly CookiePair[], name: string): string | undefined {
  const whole = cookieValue(pairs, name);
  if (whole !== undefined) return whole;
  const parts: string[] = [];
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const part = cookieValue(pairs, `${name}.${i}`);
    if (part === undefined) break;
    parts.push(part);
  }
  return parts.length === 0 ? undefined : parts.join('');
}

interface CookieAttributes {
  readonly secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  readonly maxAge: number;
}

export function serializeCookie(name: string, value: string, attrs: CookieAttributes): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.max(0, Math.floor(attrs.maxAge))}`];
  if (attrs.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearCookie(name: string, secure: boolean): string {
  return serializeCookie(name, '', { secure, maxAge: 0 });
}

/**
 * Set-Cookie values that store `value` under `name`, whole or chunked, and delete every other
 * form of `name` the browser sent, so a shrinking session leaves no stale chunk behind.
 */
export function writeChunked(
  name: string,
  value: string,
  attrs: CookieAttributes,
  sent: readonly CookiePair[],
): string[] {
  const written = new Map<string, string>();
  if (value.length <= CHUNK_BYTES) {
    written.set(name, value);
  } else {
    const count = Math.ceil(value.length / CHUNK_BYTES);
    if (count > MAX_CHUNKS) throw new RangeError(`cookie ${name} would need ${count} chunks`);
    for (let i = 0; i < count; i++) written.set(`${name}.${i}`, value.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
  }
  const out = [...written].map(([n, v]) => serializeCookie(n, v, attrs));
  for (const stale of chunkNamesSent(sent, name)) if (!written.has(stale)) out.push(clearCookie(stale, attrs.secure));
  return out;
}

/** Names of `name` and its chunks among the cookies a browser sent (deduplicated). */
export function chunkNamesSent(sent: readonly CookiePair[], name: string): string[] {
  const names = new Set<string>();
  for (const [n] of sent) {
    if (n === name || (n.startsWith(`${name}.`) && /^\d{1,2}$/.test(n.slice(name.length + 1)))) names.add(n);
  }
  return [...names];
}

/** Set-Cookie values deleting every cookie of ours the browser sent (all names, all chunks). */
export function clearOwnCookies(sent: readonly CookiePair[], secure: boolean): string[] {
  const names = new Set(sent.map(([n]) => n).filter(isOwnCookie));
  // A `__Host-` cookie can only be deleted with Secure; plain ones follow the current scheme.
  return [...names].map((n) => clearCookie(n, secure || n.startsWith('__Host-')));
}
