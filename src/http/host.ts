// Host header syntax. A Host the proxy routes on must have one spelling: lowercase, no
// trailing dot (`gerrit.example.com.` is the same DNS name and would otherwise miss a
// host-specific route), port kept. Anything that is not a DNS name, an IPv4 address or a
// bracketed IPv6 address, with an optional port, is refused: `a b/c`, `evil@x`, userinfo, paths.

import { parseIp } from './ip.js';

const REG_NAME = /^[a-z0-9_](?:[a-z0-9_.-]{0,252})$/;

/** The canonical form of a Host value, or undefined when it is not a valid host[:port]. */
export function canonicalHost(value: string): string | undefined {
  if (value.length === 0 || value.length > 261) return undefined;
  const lower = value.toLowerCase();
  let name: string;
  let port = '';
  if (lower.charCodeAt(0) === 0x5b /* [ */) {
    const end = lower.indexOf(']');
    if (end < 0) return undefined;
    name = lower.slice(0, end + 1);
    const inner = lower.slice(1, end);
    if (!inner.includes(':') || parseIp(inner) === undefined) return undefined;
    port = lower.slice(end + 1);
  } else {
    const colon = lower.indexOf(':');
    name = colon < 0 ? lower : lower.slice(0, colon);
    port = colon < 0 ? '' : lower.slice(colon);
    if (name.endsWith('.') && name.length > 1) name = name.slice(0, -1);
    if (!REG_NAME.test(name) || name.includes('..')) return undefined;
  }
  if (port !== '' && !validPort(port)) return undefined;
  return name + port;
}

function validPort(port: string): boolean {
  // `:` followed by 1-5 digits, at most 65535. An empty port (`host:`) is refused.
  return /^:\d{1,5}$/.test(port) && Number(port.slice(1)) <= 65535;
}

/** A deployment sees a handful of Host values; remember them (bounded) instead of re-parsing. */
const cache = new Map<string, string | undefined>();
const CACHE_MAX = 256;

export function cachedCanonicalHost(value: string): string | undefined {
  const hit = cache.get(value);
  if (hit !== undefined || cache.has(value)) return hit;
  const host = canonicalHost(value);
  if (cache.size >= CACHE_MAX) cache.clear(); // many distinct hosts: just stop benefiting
  cache.set(value, host);
  return host;
}
