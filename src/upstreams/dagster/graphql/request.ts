// Reads a GraphQL request off HTTP exactly as the Dagster webserver does, so the proxy judges
// the document Dagster will execute and not another one. Dagster's rules (graphql_http_endpoint):
//   GET                                  -> query string (`query`, `variables` as JSON, `operationName`)
//   POST, content-type containing `application/json`    -> JSON object body
//   POST, content-type containing `application/graphql` -> the raw body is the query
//   POST, anything else                  -> the query string, body ignored
// Dagster matches those content types by case-sensitive substring, so we do too; whether a
// browser would have sent the request cross-site without a preflight is a separate question,
// answered from the MIME essence (see `preflighted`).

import type { IncomingMessage } from 'node:http';
import { ChangegateError } from '../../../errors.js';
import { readBoundedBody } from '../../../http/read-body.js';
import { dagsterQueryParams } from '../query-params.js';

export type GraphqlTransport = 'get' | 'json' | 'graphql' | 'query-string';

export interface GraphqlRequest {
  readonly transport: GraphqlTransport;
  /** Absent when the request carries no query at all (Dagster answers it with an error). */
  readonly query: string | undefined;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName: string | undefined;
  /**
   * True when a browser must preflight this request cross-origin, so another site cannot make a
   * signed-in user send it: only POSTs whose body Dagster reads as JSON or GraphQL qualify.
   */
  readonly preflighted: boolean;
  /** The parsed JSON body (transport `json`), kept so a rewrite preserves its other keys. */
  readonly jsonBody?: Readonly<Record<string, unknown>>;
  /** The body bytes read (transports `json`, `graphql`), forwarded unchanged unless rewritten. */
  readonly bytes?: Buffer;
}

const PREFLIGHTED_TYPES = new Set(['application/json', 'application/graphql']);
const GRAPHQL_PARAMS = ['query', 'variables', 'operationName'] as const;

export async function readGraphqlRequest(method: string, query: string, req: IncomingMessage, maxBodyBytes: number): Promise<GraphqlRequest> {
  const contentType = headerValue(req.headers['content-type']);
  const bodyTransport = method === 'POST' && (contentType.includes('application/json') || contentType.includes('application/graphql'));
  // Dagster ignores the query string when it reads the body; a request that carries GraphQL in
  // both is one that two readers could execute differently, so it is refused.
  if (bodyTransport && Object.keys(queryParams(query)).length > 0) throw bad('GraphQL parameters were sent in both the body and the query string');
  if (method === 'POST' && contentType.includes('application/json')) {
    const bytes = await readBoundedBody(req, maxBodyBytes);
    const body = parseJsonBody(bytes);
    if (typeof body['variables'] === 'string') throw bad('"variables" in a JSON body must be an object, not a string');
    return { transport: 'json', ...fields(body, 'body'), preflighted: preflighted(contentType), jsonBody: body, bytes };
  }
  if (method === 'POST' && contentType.includes('application/graphql')) {
    const bytes = await readBoundedBody(req, maxBodyBytes);
    return { transport: 'graphql', query: utf8(bytes, 'body'), variables: {}, operationName: undefined, preflighted: preflighted(contentType), bytes };
  }
  const params = queryParams(query);
  return { transport: method === 'GET' || method === 'HEAD' ? 'get' : 'query-string', ...fields(params, 'query string'), preflighted: false };
}

/** The MIME essence a browser would check, lowercased and without parameters. */
function preflighted(contentType: string): boolean {
  return PREFLIGHTED_TYPES.has((contentType.split(';')[0] ?? '').trim().toLowerCase());
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function fields(source: Readonly<Record<string, unknown>>, where: string): Pick<GraphqlRequest, 'query' | 'variables' | 'operationName'> {
  const query = source['query'];
  const operationName = source['operationName'];
  if (query !== undefined && query !== null && typeof query !== 'string') throw bad(`"query" in the ${where} must be a string`);
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') throw bad(`"operationName" in the ${where} must be a string`);
  return {
    query: query ?? undefined,
    variables: variablesOf(source['variables'], where),
    operationName: operationName === null || operationName === '' ? undefined : operationName,
  };
}

/**
 * Variables arrive as an object (JSON body) or as a JSON string (query string). A JSON body
 * with string variables is refused before this: whether Dagster would decode it or fall back
 * to the variables' defaults is exactly the kind of difference that lets a request be judged
 * on other values than the ones that execute.
 */
function variablesOf(value: unknown, where: string): Record<string, unknown> {
  if (value === undefined || value === null || value === '') return {};
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw bad(`"variables" in the ${where} is not valid JSON`);
    }
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw bad(`"variables" in the ${where} must be a JSON object`);
  return parsed as Record<string, unknown>;
}

function parseJsonBody(bytes: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    // Python's json.loads(bytes) skips one UTF-8 byte order mark and refuses a second.
    const text = utf8(bytes, 'body');
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    if (e instanceof ChangegateError) throw e;
    throw bad('the GraphQL request body is not valid JSON');
  }
  // Dagster crashes on a batched array; we refuse it rather than judge half of it.
  if (Array.isArray(value)) throw bad('batched GraphQL requests (a JSON array body) are not supported; send one operation per request');
  if (value === null || typeof value !== 'object') throw bad('the GraphQL request body must be a JSON object');
  return value as Record<string, unknown>;
}

/** The three parameters Dagster's GraphQL endpoint reads (query-params.ts reads them as Starlette does). */
function queryParams(query: string): Record<string, unknown> {
  return dagsterQueryParams(query, GRAPHQL_PARAMS);
}

function utf8(bytes: Buffer, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw bad(`the GraphQL request ${what} is not valid UTF-8`);
  }
}

function bad(reason: string): ChangegateError {
  return new ChangegateError('bad_request', reason);
}
