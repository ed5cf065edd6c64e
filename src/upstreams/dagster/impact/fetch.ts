// Reads a webserver's whole asset graph over GraphQL: every key first, then the definitions in
// batches of keys (queries.ts says why there is no cursor to page with). One deadline covers the
// whole read; every answer is bounded in bytes before it is parsed, and parsed strictly
// (parse.ts). Any failure is one ChangegateError: a partial graph is never returned, because
// missing assets would be classified as REMOVED.

import { ChangegateError } from '../../../errors.js';
import { AnswerError, parseDefinitions, parseKeys } from './parse.js';
import { ASSET_DEFINITIONS_QUERY, ASSET_KEYS_QUERY } from './queries.js';
import { keyId, type AssetDefinition, type AssetGraph, type AssetKeyPath } from './types.js';

export interface FetchAssetGraphOptions {
  /** The webserver's GraphQL endpoint, --path-prefix included: http://127.0.0.1:3001/dagster/changes/42/graphql */
  readonly endpoint: string;
  /** The whole read (keys and every batch). Default 60 s. */
  readonly deadlineMs?: number;
  /** Largest answer read, per request. Default 16 MiB. */
  readonly maxResponseBytes?: number;
  /** Keys per definitions request. Default 500. */
  readonly batchSize?: number;
  /** Largest graph accepted. Default 100,000 assets. */
  readonly maxAssets?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Aborts the read (the deployment went away). */
  readonly signal?: AbortSignal;
}

export const FETCH_DEFAULTS = { deadlineMs: 60_000, maxResponseBytes: 16 * 1024 * 1024, batchSize: 500, maxAssets: 100_000 } as const;

export async function fetchAssetGraph(options: FetchAssetGraphOptions): Promise<AssetGraph> {
  const deadline = AbortSignal.timeout(options.deadlineMs ?? FETCH_DEFAULTS.deadlineMs);
  const signal = options.signal === undefined ? deadline : AbortSignal.any([deadline, options.signal]);
  const post = (query: string, variables: Record<string, unknown>): Promise<unknown> => postGraphql(options, query, variables, signal);

  const keys = unique(await parse(() => post(ASSET_KEYS_QUERY, {}), parseKeys, options));
  const max = options.maxAssets ?? FETCH_DEFAULTS.maxAssets;
  if (keys.length > max) throw failed(options, `it has ${keys.length} asset keys, more than the ${max} allowed`);
  const batch = Math.max(1, options.batchSize ?? FETCH_DEFAULTS.batchSize);
  const assets: AssetDefinition[] = [];
  for (let i = 0; i < keys.length; i += batch) {
    const slice = keys.slice(i, i + batch);
    const found = await parse(() => post(ASSET_DEFINITIONS_QUERY, { assetKeys: slice.map((path) => ({ path })) }), parseDefinitions, options);
    // Dagster answers for the keys asked (once per location defining one): anything else is not ours to trust.
    const asked = new Set(slice.map(keyId));
    for (const a of found) if (!asked.has(keyId(a.key))) throw failed(options, 'the answer holds an asset that was not asked for');
    assets.push(...found);
    if (assets.length > max) throw failed(options, `it has more than the ${max} asset definitions allowed`);
  }
  return { assets };
}

async function parse<T>(answer: () => Promise<unknown>, read: (body: unknown) => T, options: FetchAssetGraphOptions): Promise<T> {
  const body = await answer();
  try {
    return read(body);
  } catch (e) {
    if (e instanceof AnswerError) throw failed(options, e.message);
    throw e;
  }
}

function unique(keys: readonly AssetKeyPath[]): AssetKeyPath[] {
  const seen = new Map<string, AssetKeyPath>();
  for (const k of keys) seen.set(keyId(k), k);
  return [...seen.values()];
}

async function postGraphql(options: FetchAssetGraphOptions, query: string, variables: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(options.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
      body: JSON.stringify({ query, variables }),
      signal,
      redirect: 'error',
    });
  } catch (e) {
    throw failed(options, reasonOf(e, signal));
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw failed(options, `HTTP ${response.status}`);
  }
  const limit = options.maxResponseBytes ?? FETCH_DEFAULTS.maxResponseBytes;
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw failed(options, `the answer is larger than ${limit} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.byteLength;
      if (size > limit) {
        await response.body?.cancel().catch(() => undefined);
        throw failed(options, `the answer is larger than ${limit} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof ChangegateError) throw e;
    throw failed(options, reasonOf(e, signal));
  }
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown;
  } catch {
    throw failed(options, 'the answer is not JSON');
  }
}

function reasonOf(e: unknown, signal: AbortSignal): string {
  if (signal.aborted) return signal.reason instanceof Error && signal.reason.name === 'TimeoutError' ? 'the deadline passed' : 'aborted';
  return e instanceof Error ? e.message : String(e);
}

function failed(options: FetchAssetGraphOptions, why: string): ChangegateError {
  return new ChangegateError('upstream_unavailable', `could not read the asset graph from ${options.endpoint} (${why})`);
}

export type { AssetDefinition };
