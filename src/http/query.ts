// Query-string hygiene. The query is forwarded raw (its parameter order, `+` and hex case are
// the upstream's business), with two exceptions:
//
// - Bytes that no client legitimately sends are refused with 400: raw controls, raw space, raw
//   non-ASCII, a fragment `#`, and malformed escapes (`%G1`, `%4`). Parsers disagree on
//   malformed escapes (some keep them literally, some drop them), and a classifier that reads
//   the query (Dagster's GET `?query=` GraphQL) must parse exactly what the upstream parses.
//   Encoded controls (`%0A`) are allowed: GraphQL documents and Gerrit searches contain them.
// - `access_token` parameters are removed. Gerrit reads `?access_token=` as a session key, so it
//   is an identity channel around the proxy. A parameter goes when its name, after up to three
//   rounds of percent-decoding (`%61ccess%5Ftoken`, double-encoded `access%255Ftoken`),
//   lowercasing, turning `-` into `_`, trimming and dropping `[...]` suffixes (`access_token[]`,
//   `access_token[0]`), equals `access_token`. `;` also counts as a separator when looking for it
//   (older form parsers split on `;`), so `a=1;access_token=x` goes as a whole. This is wider
//   than what Gerrit's servlet container matches, on purpose: the cost of a false positive is a
//   dropped parameter nobody legitimately sends.
//
// `access_token` in a form-encoded POST body is the same channel (servlet getParameter reads
// bodies too); that is the body classifier's job, not this file's.

import { ChangegateError } from '../errors.js';
import { hexValue } from './percent.js';

const ACCESS = /access/i;

/** Returns the query to forward (without `?`), or throws bad_path. */
export function sanitizeQuery(query: string): string {
  let suspicious = false;
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) throw badQuery('raw control, space or non-ASCII character in the query');
    if (c === 0x23) throw badQuery('a request target must not carry a fragment (#)');
    if (c === 0x25) {
      if (hexValue(query.charCodeAt(i + 1)) < 0 || hexValue(query.charCodeAt(i + 2)) < 0) {
        throw badQuery('malformed percent-escape in the query');
      }
      suspicious = true;
    }
  }
  // Without an escape, every spelling of the name contains "access" in some letter case.
  return suspicious || ACCESS.test(query) ? dropAccessTokens(query) : query;
}

function dropAccessTokens(query: string): string {
  const params = query.split('&');
  let kept: string[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const param = params[i]!;
    if (isAccessTokenParam(param)) {
      kept ??= params.slice(0, i);
    } else if (kept !== undefined) {
      kept.push(param);
    }
  }
  return kept === undefined ? query : kept.join('&');
}

function isAccessTokenParam(param: string): boolean {
  if (param.indexOf(';') < 0) return isAccessTokenName(nameOf(param));
  for (const piece of param.split(';')) if (isAccessTokenName(nameOf(piece))) return true;
  return false;
}

function nameOf(piece: string): string {
  const eq = piece.indexOf('=');
  return eq < 0 ? piece : piece.slice(0, eq);
}

/** Compares a raw parameter name with `access_token` under every spelling a parser might fold. */
export function isAccessTokenName(rawName: string): boolean {
  if (rawName.length < 12) return false; // shorter than any spelling of access_token
  let name = rawName.replace(/\+/g, ' ');
  for (let round = 0; round < 3 && name.includes('%'); round++) name = decodeLoosely(name);
  name = name.trim().toLowerCase().replace(/-/g, '_');
  const bracket = name.indexOf('[');
  if (bracket >= 0) name = name.slice(0, bracket).trimEnd();
  return name === 'access_token';
}

/** One round of percent-decoding that leaves malformed escapes as they are. */
function decodeLoosely(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      const hi = hexValue(s.charCodeAt(i + 1));
      const lo = hexValue(s.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        out += String.fromCharCode((hi << 4) | lo);
        i += 2;
        continue;
      }
    }
    out += s[i]!;
  }
  return out;
}

function badQuery(reason: string): ChangegateError {
  return new ChangegateError('bad_path', reason);
}
