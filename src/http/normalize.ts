// Request-target normalization: the one spelling of a request's path that routing,
// classification, policy, audit and forwarding all see. Run it before anything else reads the
// URL. Every byte is hostile, and a parser disagreement between us and an upstream is an
// authorization bypass, so the rules are strict and ambiguous input is refused rather than
// guessed at.
//
// Rules, in order:
//  1. Length: a target longer than `maxUrlBytes` is 414 (Node counts it as header bytes too; see
//     request-line.ts).
//  2. Form: only origin-form (`/path?query`). Absolute-form (`http://h/p`), authority-form
//     (`h:443`) and asterisk-form (`*`) are 400. `isAsteriskForm` lets the server answer
//     `OPTIONS *` itself before calling this. A fragment (`#`) is 400: clients never send one, and
//     Node passes it through in req.url.
//  3. Path, per character:
//     - `%XX` of an unreserved octet (ALPHA DIGIT - . _ ~) is decoded; every other escape is kept,
//       with uppercase hex. So `%2F`, `%3F`, `%23` and `%25` stay encoded and stay inside their
//       segment (Gerrit project `external%2Fbison~123`); nothing is ever decoded twice
//       (`%252e` stays `%252e`).
//     - 400: malformed escapes (`%G1`, `%4`, `%u002e`); `%5C` and raw `\` (Windows and some
//       URL parsers treat it as `/`); raw or encoded control characters (0x00-0x1F, 0x7F); raw
//       non-ASCII (must be percent-encoded); raw `;` (servlet containers such as Gerrit's Jetty
//       strip `;params` from a segment, so `/changes;x/1/submit` would route differently there);
//       decoded octets that are not valid UTF-8 (overlong `%C0%AE`, surrogates, truncation).
//     - Printable ASCII outside pchar (`"<>[]^`{|}`) is percent-encoded, so a resource has one
//       spelling whichever way the client wrote it.
//  4. Segments: `.` and `..` are resolved after the unreserved decode, so `%2e%2E` and `.%2e` are
//     dot segments too; `..` never climbs above `/`; empty segments (`//`) are merged. A path that
//     ended in `/`, `/.` or `/..` keeps a trailing `/`.
//  5. Query: kept raw (its hex case too) except that `access_token` parameters are removed (see
//     query.ts). Raw controls, raw non-ASCII and malformed escapes are 400; encoded controls are
//     allowed there because GraphQL documents in Dagster's `?query=` carry `%0A`.
//
// The normalized path never starts with `//`, so no URL parser can read it as a host.
// Upstream-specific: Dagster's server decodes `%2F` before routing; use `hasEncodedSlash` to
// refuse it on routes where the upstream would treat it as a separator.
//
// Fast path: a path of plain characters and final-form ASCII escapes (`%2F`), with no `//` and
// no dot segment, is returned as is.

import { ChangegateError } from '../errors.js';
import { PATH_CHAR, PathChar, encodeByte, escapedByte, isUnreserved } from './percent.js';
import { sanitizeQuery } from './query.js';
import type { NormalizedTarget } from './types.js';
import { Utf8Validator } from './utf8.js';

export interface TargetLimits {
  /** Longest accepted request target, in bytes (config `limits.maxUrlBytes`). */
  readonly maxUrlBytes: number;
}

/** `OPTIONS *` is the only request allowed a non-path target; the server answers it itself. */
export function isAsteriskForm(rawUrl: string): boolean {
  return rawUrl === '*';
}

/** True when a normalized path carries an encoded slash, for upstreams that would decode it. */
export function hasEncodedSlash(path: string): boolean {
  return path.includes('%2F');
}

export function normalizeTarget(rawUrl: string, limits: TargetLimits): NormalizedTarget {
  if (rawUrl.length > limits.maxUrlBytes) {
    throw new ChangegateError('uri_too_long', `the request target is longer than ${limits.maxUrlBytes} bytes`);
  }
  if (rawUrl.charCodeAt(0) !== 0x2f) throw formError(rawUrl);
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const path = isPlainPath(rawPath) ? rawPath : normalizePath(rawPath);
  const query = q < 0 ? '' : sanitizeQuery(rawUrl.slice(q + 1));
  return { path, query };
}

function formError(rawUrl: string): ChangegateError {
  if (rawUrl === '*') return badPath('asterisk-form (*) is only accepted for OPTIONS');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(rawUrl)) return badPath('absolute-form request targets are not accepted');
  if (rawUrl === '') return badPath('empty request target');
  return badPath('the request target must be a path starting with /');
}

function badPath(reason: string): ChangegateError {
  return new ChangegateError('bad_path', reason);
}

/** Fast path: only plain characters and slashes, no `//`, no `.`/`..` segment. */
function isPlainPath(p: string): boolean {
  let prev = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c >= 128) return false;
    const kind = PATH_CHAR[c];
    if (kind === PathChar.Slash) {
      if (prev === 0x2f) return false;
    } else if (kind === PathChar.Percent) {
      // An escape already in final form (`%2F`, `%3A`, uppercase, ASCII, not unreserved) keeps
      // Gerrit project paths on the fast path; anything else is rewritten by the slow path.
      if (!isFinalAsciiEscape(p, i)) return false;
      i += 2;
    } else if (kind !== PathChar.Plain) {
      return false;
    } else if (c === 0x2e && prev === 0x2f && isDotSegmentAt(p, i)) {
      return false;
    }
    prev = c;
  }
  return true;
}

function isFinalAsciiEscape(p: string, i: number): boolean {
  const hi = p.charCodeAt(i + 1);
  const lo = p.charCodeAt(i + 2);
  const upperHex = (x: number): boolean => (x >= 0x30 && x <= 0x39) || (x >= 0x41 && x <= 0x46);
  if (!upperHex(hi) || !upperHex(lo)) return false;
  const byte = escapedByte(p, i);
  return byte >= 0x20 && byte < 0x7f && byte !== 0x5c && !isUnreserved(byte);
}

/** Whether the segment starting at `i` (just after a `/`) is `.` or `..` as written. */
function isDotSegmentAt(p: string, i: number): boolean {
  const next = p.charCodeAt(i + 1); // NaN at the end
  if (Number.isNaN(next) || next === 0x2f) return true;
  if (next !== 0x2e) return false;
  const after = p.charCodeAt(i + 2);
  return Number.isNaN(after) || after === 0x2f;
}

function normalizePath(p: string): string {
  const out: string[] = [];
  const utf8 = new Utf8Validator();
  let seg = ''; // the current segment's rewritten part; p.slice(run, i) is still to be copied
  let run = 1;
  let trailing = false;
  for (let i = 1; i <= p.length; i++) {
    const c = i < p.length ? p.charCodeAt(i) : 0x2f; // a virtual final `/` closes the last segment
    if (c === 0x2f) {
      if (!utf8.push(c)) throw badUtf8();
      trailing = applySegment(out, seg + p.slice(run, i));
      seg = '';
      run = i + 1;
      continue;
    }
    if (c >= 128) throw badPath('raw non-ASCII characters in the path must be percent-encoded');
    switch (PATH_CHAR[c]) {
      case PathChar.Plain:
        if (!utf8.push(c)) throw badUtf8();
        break;
      case PathChar.Percent: {
        const byte = escapedByte(p, i);
        if (byte < 0) throw badPath('malformed percent-escape in the path');
        if (byte < 0x20 || byte === 0x7f) throw badPath('encoded control character in the path');
        if (byte === 0x5c) throw badPath('encoded backslash (%5C) in the path');
        if (!utf8.push(byte)) throw badUtf8();
        seg += p.slice(run, i) + (isUnreserved(byte) ? String.fromCharCode(byte) : encodeByte(byte));
        i += 2;
        run = i + 1;
        break;
      }
      case PathChar.Encode:
        if (!utf8.push(c)) throw badUtf8();
        seg += p.slice(run, i) + encodeByte(c);
        run = i + 1;
        break;
      case PathChar.Backslash:
        throw badPath('backslash in the path');
      case PathChar.Semicolon:
        throw badPath('";" in the path (path parameters) is not accepted; percent-encode it as %3B');
      case PathChar.Hash:
        throw badPath('a request target must not carry a fragment (#)');
      default:
        throw badPath('control character in the path');
    }
  }
  if (!utf8.complete()) throw badUtf8();
  if (out.length === 0) return '/';
  return trailing ? '/' + out.join('/') + '/' : '/' + out.join('/');
}

/** Applies one segment to the output stack; returns whether the path now ends in a slash. */
function applySegment(out: string[], seg: string): boolean {
  if (seg === '' || seg === '.') return true;
  if (seg === '..') {
    out.pop();
    return true;
  }
  out.push(seg);
  return false;
}

function badUtf8(): ChangegateError {
  return badPath('the decoded path is not valid UTF-8');
}
