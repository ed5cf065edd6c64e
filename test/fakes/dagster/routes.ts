// The webserver's routes outside GraphQL, under the path prefix: the runless asset report
// endpoints (they write, and the real server checks nothing), captured logs, debug downloads,
// server info, and the SPA fallback (here a small HTML page).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { indexPage, permissionsPage } from './html.js';
import { readBody, sendJson, sendText } from './http-util.js';
import type { DagsterModel } from './model.js';
import { received, type AssetReport, type Recorder } from './records.js';

const REPORT = /^\/report_asset_(materialization|check|observation)\/(.*)$/;
const KINDS = { materialization: 'materialization', check: 'check', observation: 'observation' } as const;

async function report(req: IncomingMessage, res: ServerResponse, url: URL, kind: AssetReport['kind'], keyPath: string, recorder: Recorder): Promise<void> {
  if (req.method !== 'POST') return sendText(res, 405, 'Method Not Allowed');
  const type = req.headers['content-type'];
  if (type !== undefined && type !== 'application/json') return sendJson(res, 400, { error: `Unhandled content type ${type}, expect no body or application/json` });
  const raw = (await readBody(req)).toString('utf8');
  let body: unknown = {};
  if (type === 'application/json') {
    try {
      body = JSON.parse(raw);
    } catch {
      return sendJson(res, 500, { error: 'Internal Server Error' });
    }
  }
  const assetKey = reportedKey(keyPath, body, url.searchParams);
  if (assetKey === undefined) return sendJson(res, 400, { error: 'Empty asset key, must provide asset key as url path or query param asset_key.' });
  recorder.assetReports.push({ ...received(req.headers), kind, assetKey, body });
  sendJson(res, 200, {});
}

/** The webserver's order: the path (split on /), the body's asset_key, then ?asset_key= (last copy). */
function reportedKey(keyPath: string, body: unknown, params: URLSearchParams): string[] | undefined {
  if (keyPath !== '') return keyPath.split('/');
  const fromBody = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)['asset_key'] : undefined;
  if (typeof fromBody === 'string') return [fromBody];
  if (Array.isArray(fromBody)) return fromBody.map(String);
  const raw = params.getAll('asset_key').at(-1);
  if (raw === undefined || raw === '') return undefined;
  if (raw.startsWith('[')) {
    try {
      return (JSON.parse(raw) as unknown[]).map(String);
    } catch {
      // Falls through to the legacy form, as Dagster does.
    }
  }
  return raw.split(/[^a-zA-Z0-9_]/).filter((p) => p !== '');
}

/** Handles a request by its decoded path below the prefix. */
export async function handleRoute(req: IncomingMessage, res: ServerResponse, url: URL, rest: string, prefix: string, model: DagsterModel, recorder: Recorder): Promise<void> {
  const m = REPORT.exec(rest);
  if (m !== null) return report(req, res, url, KINDS[m[1] as keyof typeof KINDS], m[2] ?? '', recorder);
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method Not Allowed');
  if (rest === '/server_info' || rest === '/dagit_info') {
    return sendJson(res, 200, { dagster_webserver_version: '1.9.0+stand-in', dagster_version: '1.9.0+stand-in', dagster_graphql_version: '1.9.0+stand-in' });
  }
  if (rest.startsWith('/logs/')) return sendText(res, 200, `stand-in captured log ${rest.slice('/logs/'.length)}\n`);
  if (rest.startsWith('/download_debug/')) {
    const run = model.runs.get(rest.slice('/download_debug/'.length));
    if (run === undefined) return sendText(res, 404, 'Run not found');
    const gz = gzipSync(JSON.stringify({ run }));
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-disposition': `attachment; filename=${run.runId}.gz`, 'content-length': gz.length }).end(gz);
    return;
  }
  if (rest === '/__stand-in/permissions') return sendText(res, 200, permissionsPage(prefix), 'text/html; charset=utf-8');
  if (rest === '/notebook' || rest === '/dagit/notebook') return sendText(res, 200, '<!doctype html><title>notebook</title><p>stand-in notebook</p>', 'text/html; charset=utf-8');
  sendText(res, 200, indexPage(model, prefix, req.headers), 'text/html; charset=utf-8');
}
