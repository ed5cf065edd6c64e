// The Dagster webserver's routes outside GraphQL that read or write data (webserver.py):
//   POST /report_asset_{materialization,check,observation}/{asset_key:path}  writes, unchecked
//   GET  /logs/{path}, /download_debug/{run_id}, /notebook, /dagit/notebook  read data
// Everything else under the prefix is the UI's static files and pages (reads), and any other
// method there is an unknown write: Dagster has no other write routes.

import { READ, UNKNOWN_WRITE } from './actions.js';

export interface RestClassification {
  readonly action: string;
  readonly resource: Readonly<Record<string, unknown>>;
}

const REPORT = /^\/report_asset_(materialization|check|observation)\/(.*)$/;
const READ_METHODS = new Set(['GET', 'HEAD']);

/** `rest` is the path below the route prefix, starting with '/'. */
export function classifyRest(method: string, rest: string, query: string): RestClassification {
  const report = REPORT.exec(rest);
  if (report !== null) {
    const key = decodePath(report[2] ?? '') ?? '';
    // Dagster also takes the key from the JSON body or `?asset_key=`; the path form is the one
    // we can name here, and an empty one means "read the body", which only admins may send.
    return {
      action: method === 'POST' ? 'dagster.asset.report' : READ_METHODS.has(method) ? READ : UNKNOWN_WRITE,
      resource: { route: `report_asset_${report[1] ?? ''}`, ...(key === '' ? { assetKeys: [], assetKeyFromBody: true } : { assetKeys: [key] }), ...(query === '' ? {} : { query: true }) },
    };
  }
  if (!READ_METHODS.has(method)) return { action: UNKNOWN_WRITE, resource: { route: 'other' } };
  if (rest.startsWith('/logs/')) return { action: READ, resource: { route: 'logs', logKey: decodePath(rest.slice('/logs/'.length)) ?? '' } };
  const debug = /^\/download_debug\/([^/]+)$/.exec(rest);
  if (debug !== null) return { action: READ, resource: { route: 'download_debug', runIds: [decodePath(debug[1] ?? '') ?? ''] } };
  if (rest === '/notebook' || rest === '/dagit/notebook') {
    const location = new URLSearchParams(query).get('repoLocName');
    return { action: READ, resource: { route: 'notebook', ...(location === null ? {} : { location }) } };
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
