// `<prefix>/graphql` over HTTP, read the way the Dagster webserver reads it:
//   GET ?query=&variables=&operationName=  (mutations included; an HTML Accept gets GraphiQL)
//   POST application/json                  (an object; a batched array breaks the real server: 500)
//   POST application/graphql               (the body is the query)
//   POST anything else                     (falls back to the query string)
// Parse and validation errors answer 400 and never execute; resolver errors answer 500.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatErrors, prepare, runOnce, type GraphQLRequest } from './execute.js';
import { readBody, sendJson, sendText } from './http-util.js';
import type { DagsterModel } from './model.js';
import { received, type Recorder, type Transport } from './records.js';

type Extracted =
  | { readonly ok: true; readonly request: GraphQLRequest; readonly transport: Transport }
  | { readonly ok: false; readonly status: number; readonly message: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(status: number, message: string): Extracted {
  return { ok: false, status, message };
}

function fromFields(query: unknown, variables: unknown, operationName: unknown, transport: Transport): Extracted {
  if (typeof query !== 'string' || query === '') return fail(400, 'Must provide query string.');
  let vars: unknown = variables ?? {};
  if (typeof vars === 'string') {
    try {
      vars = vars === '' ? {} : JSON.parse(vars);
    } catch {
      return fail(400, 'Variables are invalid JSON.');
    }
  }
  if (vars === null) vars = {};
  if (!isObject(vars)) return fail(400, 'Variables must be an object.');
  const name = typeof operationName === 'string' && operationName !== '' ? operationName : null;
  return { ok: true, request: { query, variables: vars, operationName: name }, transport };
}

function fromQueryString(url: URL, transport: Transport): Extracted {
  // Starlette's QueryParams.get returns the last copy of a repeated parameter.
  const p = url.searchParams;
  const last = (name: string): string | null => p.getAll(name).at(-1) ?? null;
  return fromFields(last('query'), last('variables'), last('operationName'), transport);
}

async function extract(req: IncomingMessage, url: URL): Promise<Extracted> {
  if (req.method === 'GET' || req.method === 'HEAD') return fromQueryString(url, 'get');
  if (req.method !== 'POST') return fail(405, 'Method Not Allowed');
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('application/json')) {
    let data: unknown;
    try {
      data = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return fail(400, 'POST body sent invalid JSON.');
    }
    if (!isObject(data)) return fail(500, 'Internal Server Error');
    return fromFields(data['query'], data['variables'], data['operationName'], 'post-json');
  }
  if (type.includes('application/graphql')) return fromFields((await readBody(req)).toString('utf8'), undefined, undefined, 'post-graphql');
  await readBody(req);
  return fromQueryString(url, 'post-querystring');
}

const GRAPHIQL = '<!doctype html><html><head><title>GraphiQL (Dagster stand-in)</title></head><body><p>GraphiQL is not part of the stand-in; POST queries to this URL.</p></body></html>';

export async function handleGraphqlHttp(req: IncomingMessage, res: ServerResponse, url: URL, model: DagsterModel, recorder: Recorder): Promise<void> {
  if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')) return sendText(res, 200, GRAPHIQL, 'text/html; charset=utf-8');
  const got = await extract(req, url);
  if (!got.ok) return sendJson(res, got.status, { errors: [{ message: got.message }] });
  const seen = received(req.headers);
  const prepared = prepare(got.request);
  if (!prepared.ok) {
    recorder.rejected.push({ ...seen, transport: got.transport, query: got.request.query, errors: prepared.errors.map((e) => e.message) });
    return sendJson(res, 400, formatErrors(prepared.errors));
  }
  if (prepared.operation.operation === 'subscription') {
    return sendJson(res, 400, { errors: [{ message: 'Subscriptions are only served over the WebSocket at this path.' }] });
  }
  const result = await runOnce({ request: got.request, prepared, transport: got.transport, received: seen, model, recorder });
  const body = { data: result.data ?? null, ...(result.errors === undefined ? {} : { errors: result.errors.map((e) => e.toJSON()) }) };
  sendJson(res, result.errors === undefined ? 200 : 500, body);
}
