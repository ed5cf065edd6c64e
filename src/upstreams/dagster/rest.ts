// The Dagster webserver's routes outside GraphQL that read or write data (webserver.py):
//   POST /report_asset_{materialization,check,observation}/{asset_key:path}  writes, unchecked
//   GET  /logs/{path}, /download_debug/{run_id}, /notebook, /dagit/notebook  read data
// Everything else under the prefix is the UI's static files and pages (reads), and any other
// method there is an unknown write: Dagster has no other write routes.

import type { IncomingMessage } from 'node:http';
import type { ForwardBody } from '../../pipeline/types.js';
import { READ, UNKNOWN_WRITE } from './actions.js';
import { readAssetReportKey } from './asset-report.js';
import { dagsterQueryParams } from './query-params.js';

export interface RestClassification {
  readonly action: string;
  readonly resource: Readonly<Record<string, unknown>>;
  readonly body: ForwardBody;
}

export interface RestRequest {
  readonly method: string;
  /** The path below the route prefix, starting with '/'. */
  readonly rest: string;
  readonly query: string;
  readonly req: IncomingMessage;
  readonly maxBodyBytes: number;
}

const REPORT = /^\/report_asset_(materialization|check|observation)\/(.*)$/;
const READ_METHODS = new Set(['GET', 'HEAD']);
const UNTOUCHED: ForwardBody = { kind: 'untouched' };

export async function classifyRest(request: RestRequest): Promise<RestClassification> {
  const { method, rest, query } = request;
  const report = REPORT.exec(rest);
  if (report !== null) {
    const route = `report_asset_${report[1] ?? ''}`;
    // Dagster serves these to POST only (others get 405 and write nothing).
    if (method !== 'POST') return { action: READ_METHODS.has(method) ? READ : UNKNOWN_WRITE, resource: { route }, body: UNTOUCHED };
    const key = await readAssetReportKey(decodePath(report[2] ?? '') ?? '', query, request.req, request.maxBodyBytes);
    return { action: 'dagster.asset.report', resource: { route, assetKeys: [key.assetKey] }, body: key.bytes === undefined ? UNTOUCHED : { kind: 'buffered', bytes: key.bytes } };
  }
  return { ...classifyRead(method, rest, query), body: UNTOUCHED };
}

function classifyRead(method: string, rest: string, query: string): Omit<RestClassification, 'body'> {
  if (!READ_METHODS.has(method)) return { action: UNKNOWN_WRITE, resource: { route: 'other' } };
  if (rest.startsWith('/logs/')) return { action: READ, resource: { route: 'logs', logKey: decodePath(rest.slice('/logs/'.length)) ?? '' } };
  const debug = /^\/download_debug\/([^/]+)$/.exec(rest);
  if (debug !== null) return { action: READ, resource: { route: 'download_debug', runIds: [decodePath(debug[1] ?? '') ?? ''] } };
  if (rest === '/notebook' || rest === '/dagit/notebook') {
    // Dagster reads request.query_params["repoLocName"] (the last copy); a repeat is refused.
    const location = dagsterQueryParams(query, ['repoLocName']).repoLocName;
    return { action: READ, resource: { route: 'notebook', ...(location === undefined ? {} : { location }) } };
  }
  return { action: READ, resource: { route: 'ui' } };
}

function decodePath(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
