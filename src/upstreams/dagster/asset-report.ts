// Which asset a runless report (POST /report_asset_{materialization,check,observation}/...) is
// about, read exactly as the webserver reads it, so policy can narrow reports by asset:
//   1. the path after the route, split on `/` (AssetKey.from_user_string);
//   2. else `asset_key` in the JSON body: a string is ONE part, a list is the parts;
//   3. else `?asset_key=`: a JSON list, or else split on every character outside [A-Za-z0-9_]
//      (AssetKey.from_db_string).
// Dagster reads a body only when the content type is exactly `application/json`, ignores it when
// there is none, and refuses any other. Whatever Dagster would refuse or crash on (other content
// types, a body that is not a JSON object, a key that is not strings, a repeated `asset_key`),
// we refuse with 400 first: a request we would judge on another key than the one Dagster writes
// must never reach it. A part containing `/` is refused too: `a/b` as one part and as two parts
// would be the same name to policy.

import type { IncomingMessage } from 'node:http';
import { ChangegateError } from '../../errors.js';
import { readBoundedBody } from '../../http/read-body.js';
import { dagsterQueryParams } from './query-params.js';

export interface AssetReportKey {
  /** The key as policy sees it: parts joined with `/`. */
  readonly assetKey: string;
  /** The body bytes, when the key had to be read from them (forward these). */
  readonly bytes?: Buffer;
}

export async function readAssetReportKey(pathKey: string, query: string, req: IncomingMessage, maxBodyBytes: number): Promise<AssetReportKey> {
  const contentType = req.headers['content-type'];
  if (contentType !== undefined && contentType !== 'application/json') {
    throw bad(`asset reports take no body or an application/json one (Dagster refuses ${JSON.stringify(contentType)})`);
  }
  if (pathKey !== '') return { assetKey: joined(pathKey.split('/')) };
  let bytes: Buffer | undefined;
  if (contentType === 'application/json') {
    bytes = await readBoundedBody(req, maxBodyBytes);
    const body = jsonObject(bytes);
    if (Object.hasOwn(body, 'asset_key')) return { assetKey: joined(fromBody(body['asset_key'])), bytes };
  }
  const fromQuery = queryKey(query);
  if (fromQuery === undefined) throw bad('the asset report names no asset: put the key in the path, in "asset_key" of the JSON body, or in ?asset_key=');
  return { assetKey: joined(fromQuery), ...(bytes === undefined ? {} : { bytes }) };
}

function fromBody(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((p): p is string => typeof p === 'string')) return value;
  throw bad('"asset_key" in the body must be a string or a list of strings');
}

/** `?asset_key=` as AssetKey.from_db_string parses it; undefined when absent or empty. */
function queryKey(query: string): string[] | undefined {
  const raw = dagsterQueryParams(query, ['asset_key']).asset_key;
  if (raw === undefined || raw === '') return undefined;
  if (raw.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return splitLegacy(raw);
    }
    if (Array.isArray(parsed) && parsed.every((p): p is string => typeof p === 'string')) return parsed;
    throw bad('"asset_key" in the query string must be a JSON list of strings');
  }
  return splitLegacy(raw);
}

function splitLegacy(raw: string): string[] {
  return raw.split(/[^a-zA-Z0-9_]/).filter((p) => p !== '');
}

function joined(parts: readonly string[]): string {
  if (parts.length === 0 || parts.every((p) => p === '')) throw bad('the asset key is empty');
  if (parts.some((p) => p.includes('/'))) throw bad('an asset key part contains "/": send a multi-part key as a list, or in the path');
  return parts.join('/');
}

function jsonObject(bytes: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    // Python's json.loads(bytes) skips one UTF-8 byte order mark and refuses a second.
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    throw bad('the asset report body is not valid UTF-8 JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad('the asset report body must be a JSON object');
  return value as Record<string, unknown>;
}

function bad(reason: string): ChangegateError {
  return new ChangegateError('bad_request', reason);
}
