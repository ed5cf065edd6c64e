// Checks on the request line and framing headers that Node's HTTP parser (llhttp) lets through.
// test/http/request-line.test.ts sends raw bytes to a plain Node server and proves both halves:
// what Node already refuses (so a Node upgrade that loosens it fails our tests) and what only
// this file and normalize.ts refuse.
//
// Node 20 already answers 400 to: conflicting or duplicate Content-Length, signed/hex/listed
// Content-Length, Content-Length with Transfer-Encoding, Transfer-Encoding not ending in
// `chunked`, obs-fold, bare CR or LF line ends, whitespace before `:`, control bytes in the
// target or in header values, unknown or lower-case methods, HTTP/1.2, and HTTP/1.1 without
// Host; and 431 to a request line plus headers over maxHeaderSize.
//
// Node lets through, and we refuse here:
// - HTTP/0.9 and HTTP/2.0 request lines: only HTTP/1.0 and 1.1 are spoken on this port.
// - Transfer-Encoding on HTTP/1.0 (RFC 9112 6.1: the framing is faulty), and any coding list
//   other than plain `chunked` (Node accepts `gzip, chunked`; the upstream would get a body
//   whose coding it was never told about once we re-chunk it).
// - Content-Length together with Transfer-Encoding, again: Node refuses it unless someone runs
//   with --insecure-http-parser, which turns all of its checks off.
// - Several copies of a header that must be single (Host, Authorization, Content-Type, ...):
//   Node keeps the first in req.headers while an upstream may use another one.
// - A Host that is not host[:port] (`a b/c`, `user@host`): Node only checks it is present.
// normalize.ts refuses the target forms Node accepts (absolute-form, `*` for other methods,
// fragments, backslashes).

import type { IncomingMessage } from 'node:http';
import { ChangegateError } from '../errors.js';
import { cachedCanonicalHost } from './host.js';

export type RequestHead = Pick<IncomingMessage, 'httpVersion' | 'headers' | 'rawHeaders'>;

/** Headers that must appear at most once (canonical, lowercase). */
const SINGLETONS: ReadonlySet<string> = new Set([
  'host',
  'authorization',
  'proxy-authorization',
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'upgrade',
  'x-request-id',
]);

const SINGLETON_LENGTHS: ReadonlySet<number> = new Set([...SINGLETONS].map((n) => n.length));

export function checkRequestHead(req: RequestHead): void {
  const version = req.httpVersion;
  if (version !== '1.1' && version !== '1.0') {
    throw new ChangegateError('bad_request', `HTTP/${version} is not supported here; use HTTP/1.1`);
  }
  const te = req.headers['transfer-encoding'];
  if (te !== undefined) {
    if (version === '1.0') throw new ChangegateError('bad_request', 'Transfer-Encoding is not allowed in an HTTP/1.0 request');
    if (te.trim().toLowerCase() !== 'chunked') {
      throw new ChangegateError('bad_request', 'Transfer-Encoding other than "chunked" is not accepted');
    }
    if (req.headers['content-length'] !== undefined) {
      throw new ChangegateError('bad_request', 'a request must not carry both Content-Length and Transfer-Encoding');
    }
  }
  const duplicate = duplicateSingleton(req.rawHeaders);
  if (duplicate !== undefined) throw new ChangegateError('bad_header', `the ${duplicate} header appears more than once`);
  const host = req.headers.host;
  if (host !== undefined && cachedCanonicalHost(host) === undefined) {
    throw new ChangegateError('bad_header', 'the Host header is not a valid host[:port]');
  }
}

/**
 * Why Node's parser is not strict in this process, or undefined. `--insecure-http-parser`
 * (flag or NODE_OPTIONS) turns off every check listed in the file header; the server refuses to
 * start with it.
 */
export function lenientParserReason(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env['NODE_OPTIONS'] ?? ''): string | undefined {
  if (execArgv.includes('--insecure-http-parser')) return 'node runs with --insecure-http-parser';
  if (/(^|\s)--insecure-http-parser(\s|$)/.test(nodeOptions)) return 'NODE_OPTIONS contains --insecure-http-parser';
  return undefined;
}

/** The first singleton header sent more than once, or undefined. */
export function duplicateSingleton(raw: readonly string[]): string | undefined {
  let seen: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const sent = raw[i]!;
    if (!SINGLETON_LENGTHS.has(sent.length)) continue; // skips most names without lowercasing
    const name = sent.toLowerCase();
    if (!SINGLETONS.has(name)) continue;
    seen ??= new Set();
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}
