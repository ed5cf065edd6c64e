// Who the client is, as far as the connection and any trusted proxy tell us, and the
// X-Forwarded-* headers we send upstream.
//
// The socket peer is the client unless it is inside `trustedProxies`. Then X-Forwarded-For is
// walked right to left (each trusted hop appends the address it saw on its left), skipping
// trusted hops; the first untrusted address is the client. Walking from the left would take a
// value the client wrote itself. A malformed entry reached during the walk is 400 (thrown, so
// call this inside the same try as checkRequestHead): it came from a trusted proxy or from a
// client on a trusted network, and guessing would attribute the request to a proxy's own
// address. Nothing else here throws; an invalid Host is refused by checkRequestHead. X-Forwarded-Proto and -Host from a trusted peer are read
// from their rightmost value (the nearest hop wrote it); invalid values are ignored.
//
// Upstream we send X-Forwarded-For as `client, trusted hops..., peer`, so an upstream that takes
// the leftmost entry gets the client we decided on, never a spoofed one. Client-sent Forwarded
// (RFC 7239), X-Real-IP and friends are never read and never forwarded (see headers.ts): two
// sources of truth for one fact is how proxies get bypassed.

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ChangegateError } from '../errors.js';
import { cachedCanonicalHost, canonicalHost } from './host.js';
import { formatIp, parseIp } from './ip.js';
import type { TrustedProxies } from './trusted-proxies.js';
import type { ClientInfo } from './types.js';

/** ClientInfo plus what forwarding needs. */
export interface ForwardedClientInfo extends ClientInfo {
  /** The socket peer, canonical. */
  readonly peer: string;
  readonly peerTrusted: boolean;
  /** X-Forwarded-For to send upstream: client first, then the trusted hops, then the peer. */
  readonly forwardedFor: string;
}

export type ClientRequest = Pick<IncomingMessage, 'headers' | 'socket'>;

/** Longest X-Forwarded-For chain we walk; a longer one from a trusted peer is 400. */
const MAX_HOPS = 32;
const MAX_USER_AGENT = 512;

export function clientInfo(req: ClientRequest, trusted: TrustedProxies): ForwardedClientInfo {
  const peer = peerAddress(req);
  const peerTrusted = trusted.contains(peer);
  const socketProto = (req.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http';
  const host = hostOf(req);
  const ua = req.headers['user-agent'] ?? '';
  const userAgent = ua.length > MAX_USER_AGENT ? ua.slice(0, MAX_USER_AGENT) : ua;
  if (!peerTrusted) {
    return { ip: peer, proto: socketProto, host, userAgent, peer, peerTrusted, forwardedFor: peer };
  }
  const chain = walkForwardedFor(headerText(req.headers['x-forwarded-for']), peer, trusted);
  return {
    ip: chain[0]!,
    proto: forwardedProto(headerText(req.headers['x-forwarded-proto'])) ?? socketProto,
    host: forwardedHost(headerText(req.headers['x-forwarded-host'])) ?? host,
    userAgent,
    peer,
    peerTrusted,
    forwardedFor: chain.join(', '),
  };
}

/** The headers that tell an upstream about the client; set after client copies are stripped. */
export function forwardedHeaders(info: ForwardedClientInfo): Record<string, string> {
  const out: Record<string, string> = { 'x-forwarded-for': info.forwardedFor, 'x-forwarded-proto': info.proto };
  if (info.host !== '') out['x-forwarded-host'] = info.host;
  return out;
}

/** The socket peer as canonical text (`::ffff:10.0.0.1` becomes `10.0.0.1`). */
export function peerAddress(req: Pick<IncomingMessage, 'socket'>): string {
  const raw = req.socket.remoteAddress;
  if (raw === undefined) return '0.0.0.0'; // a destroyed socket; nothing is trusted from it
  // The kernel's own spelling (libuv inet_ntop) is already canonical except for the mapped
  // prefix of IPv4 peers on a dual-stack socket; skip the full parse for the common cases.
  if (raw.indexOf(':') < 0) return raw;
  if (raw.startsWith('::ffff:') && raw.indexOf('.') > 0) return raw.slice(7);
  const ip = parseIp(raw);
  return ip === undefined ? raw : formatIp(ip);
}

/**
 * The canonical Host, or '' when absent (HTTP/1.0) or invalid. checkRequestHead refuses an
 * invalid Host with 400 before this runs, so '' only ever means "no Host"; not throwing here
 * keeps a hostile Host from becoming an exception in a caller that forgot the check.
 */
function hostOf(req: ClientRequest): string {
  const raw = req.headers.host;
  if (raw === undefined || raw === '') return '';
  return cachedCanonicalHost(raw) ?? '';
}

/** Returns [client, ...trusted hops, peer]. */
function walkForwardedFor(header: string, peer: string, trusted: TrustedProxies): string[] {
  const chain = [peer];
  if (header === '') return chain;
  const entries = header.split(',');
  if (entries.length > MAX_HOPS) throw badForwarded('X-Forwarded-For from a trusted proxy has too many entries');
  for (let i = entries.length - 1; i >= 0; i--) {
    const ip = parseForwardedAddress(entries[i]!.trim());
    if (ip === undefined) throw badForwarded('X-Forwarded-For from a trusted proxy holds an entry that is not an IP address');
    chain.unshift(ip);
    if (!trusted.contains(ip)) break;
  }
  return chain;
}

/** An XFF entry: an address, optionally `v4:port` or `[v6]:port` (some load balancers add ports). */
function parseForwardedAddress(entry: string): string | undefined {
  let text = entry;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0 || !/^(?::\d{1,5})?$/.test(text.slice(end + 1))) return undefined;
    text = text.slice(1, end);
  } else if (/^[\d.]+:\d{1,5}$/.test(text)) {
    text = text.slice(0, text.indexOf(':'));
  }
  const ip = parseIp(text);
  return ip === undefined ? undefined : formatIp(ip);
}

function forwardedProto(header: string): 'http' | 'https' | undefined {
  const v = lastToken(header).toLowerCase();
  return v === 'http' || v === 'https' ? v : undefined;
}

function forwardedHost(header: string): string | undefined {
  const v = lastToken(header);
  return v === '' ? undefined : canonicalHost(v);
}

function lastToken(header: string): string {
  const comma = header.lastIndexOf(',');
  return (comma < 0 ? header : header.slice(comma + 1)).trim();
}

function headerText(v: string | string[] | undefined): string {
  if (v === undefined) return '';
  return typeof v === 'string' ? v : v.join(', ');
}

function badForwarded(reason: string): ChangegateError {
  return new ChangegateError('bad_header', reason);
}
