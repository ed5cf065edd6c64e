// Resolves ids a request carries (run ids, schedule and sensor origin ids) to the code location,
// repository and job Dagster will act on, by asking the webserver itself. Results are cached:
// a run's job never changes, and instigator ids are stable for a definition. A failed lookup is
// an error, never "unknown, so allow": the classifier turns it into a refusal.

import { LRUCache } from 'lru-cache';
import { Pool } from 'undici';
import { collect, type Collected } from '../../http/collect.js';
import { ChangegateError } from '../../errors.js';
import { obj, str, list } from './graphql/values.js';
import { BACKFILL_QUERY, INSTIGATORS_QUERY, RUN_QUERY } from './lookup-queries.js';
import type { BackfillScope, DagsterLookup, InstigatorScope, RunScope } from './lookup-types.js';

export type { BackfillScope, DagsterLookup, InstigatorScope, RunScope } from './lookup-types.js';

export interface GraphqlLookupOptions {
  /** Dagster's GraphQL endpoint, including any --path-prefix: http://dagster:3000/dagster/graphql */
  readonly endpoint: string;
  readonly timeoutMs?: number;
  readonly maxEntries?: number;
  /** How long the schedule/sensor id map is reused before it is fetched again. */
  readonly instigatorTtlMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Largest answer read (default 8 MiB); the instigator map of a large workspace is the biggest. */
  readonly maxBytes?: number;
}

/** Lookups in flight at once to one webserver, per proxy process; more wait for a connection. */
const CONNECTIONS = 32;
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

export class GraphqlLookup implements DagsterLookup {
  readonly #options: GraphqlLookupOptions;
  readonly #runs: LRUCache<string, RunScope>;
  #instigators: { at: number; byId: Map<string, InstigatorScope> } | undefined;
  /** Keep-alive connections to the webserver; redirects are not followed (a 3xx is refused). */
  readonly #pool: Pool;
  readonly #path: string;

  constructor(options: GraphqlLookupOptions) {
    this.#options = options;
    const endpoint = new URL(options.endpoint);
    this.#pool = new Pool(endpoint.origin, { connections: CONNECTIONS });
    this.#path = endpoint.pathname + endpoint.search;
    this.#runs = new LRUCache({ max: options.maxEntries ?? 10_000 });
  }

  async run(runId: string): Promise<RunScope | null> {
    const cached = this.#runs.get(runId);
    if (cached !== undefined) return cached;
    const data = await this.#query(RUN_QUERY, { runId }, `run ${runId}`);
    const result = obj(data['runOrError']);
    const typename = str(result?.['__typename']);
    if (typename === 'RunNotFoundError') return null;
    if (typename !== 'Run' || result === undefined) throw failed(`run ${runId}`, `Dagster answered ${typename ?? 'nothing'}`);
    const origin = obj(result['repositoryOrigin']);
    const scope: RunScope = {
      runId,
      ...optional('location', str(origin?.['repositoryLocationName'])),
      ...optional('repository', str(origin?.['repositoryName'])),
      ...optional('job', str(result['pipelineName'])),
    };
    this.#runs.set(runId, scope);
    return scope;
  }

  async backfill(backfillId: string): Promise<BackfillScope | null> {
    const data = await this.#query(BACKFILL_QUERY, { id: backfillId }, `backfill ${backfillId}`);
    const result = obj(data['partitionBackfillOrError']);
    const typename = str(result?.['__typename']);
    if (typename === 'BackfillNotFoundError') return null;
    if (typename !== 'PartitionBackfill' || result === undefined) throw failed(`backfill ${backfillId}`, `Dagster answered ${typename ?? 'nothing'}`);
    const set = obj(result['partitionSet']);
    const origin = obj(set?.['repositoryOrigin']);
    const assetKeys = list(result['assetSelection']).map((k) => list(obj(k)?.['path']).filter((p): p is string => typeof p === 'string').join('/')).filter((k) => k !== '');
    return {
      backfillId,
      ...optional('location', str(origin?.['repositoryLocationName'])),
      ...optional('repository', str(origin?.['repositoryName'])),
      ...optional('partitionSet', str(set?.['name']) ?? str(result['partitionSetName'])),
      ...(assetKeys.length > 0 ? { assetKeys } : {}),
    };
  }

  async instigator(type: 'schedule' | 'sensor', ids: readonly string[]): Promise<InstigatorScope | null> {
    const find = (byId: Map<string, InstigatorScope>): InstigatorScope | undefined => {
      for (const id of ids) {
        const hit = byId.get(`${type}:${id}`);
        if (hit !== undefined) return hit;
      }
      return undefined;
    };
    const ttl = this.#options.instigatorTtlMs ?? 30_000;
    const current = this.#instigators;
    if (current !== undefined && Date.now() - current.at < ttl) {
      const hit = find(current.byId);
      if (hit !== undefined) return hit;
    }
    // A miss in a fresh map may be a schedule added since: fetch once more before answering.
    const byId = await this.#fetchInstigators();
    this.#instigators = { at: Date.now(), byId };
    return find(byId) ?? null;
  }

  async #fetchInstigators(): Promise<Map<string, InstigatorScope>> {
    const data = await this.#query(INSTIGATORS_QUERY, {}, 'schedules and sensors');
    const result = obj(data['repositoriesOrError']);
    if (str(result?.['__typename']) !== 'RepositoryConnection') throw failed('schedules and sensors', `Dagster answered ${str(result?.['__typename']) ?? 'nothing'}`);
    const byId = new Map<string, InstigatorScope>();
    for (const node of list(result?.['nodes'])) {
      const repo = obj(node);
      const repository = str(repo?.['name']);
      const location = str(obj(repo?.['location'])?.['name']);
      if (repo === undefined || repository === undefined || location === undefined) continue;
      for (const [type, key, stateKey] of [['schedule', 'schedules', 'scheduleState'], ['sensor', 'sensors', 'sensorState']] as const) {
        for (const item of list(repo[key])) {
          const name = str(obj(item)?.['name']);
          const state = obj(obj(item)?.[stateKey]);
          if (name === undefined) continue;
          // Schedule.id and Sensor.id are the origin ids stop mutations send; the state's ids too.
          for (const id of [str(obj(item)?.['id']), str(state?.['id']), str(state?.['selectorId'])]) {
            if (id !== undefined) byId.set(`${type}:${id}`, { type, name, location, repository });
          }
        }
      }
    }
    return byId;
  }

  /** Closes the connections to the webserver (the upstream instance is gone: a replaced branch deployment). */
  close(): Promise<void> {
    return this.#pool.close();
  }

  async #query(query: string, variables: Record<string, unknown>, what: string): Promise<Record<string, unknown>> {
    let answer: Collected;
    try {
      answer = await collect(
        this.#pool,
        {
          path: this.#path,
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...this.#options.headers },
          body: JSON.stringify({ query, variables }),
        },
        { timeoutMs: this.#options.timeoutMs ?? 5_000, maxBytes: this.#options.maxBytes ?? DEFAULT_MAX_BYTES },
      );
    } catch (e) {
      throw failed(what, e instanceof Error ? e.message : String(e));
    }
    if (answer.status < 200 || answer.status >= 300) throw failed(what, `HTTP ${answer.status}`);
    let body: unknown;
    try {
      // A body that broke off is not JSON either.
      if (!answer.complete) throw new Error('incomplete');
      body = JSON.parse(answer.body.toString('utf8'));
    } catch {
      throw failed(what, 'the answer was not JSON');
    }
    const data = obj(obj(body)?.['data']);
    if (data === undefined) throw failed(what, 'the answer had no data');
    return data;
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function failed(what: string, why: string): ChangegateError {
  return new ChangegateError('upstream_unavailable', `could not look up ${what} on Dagster to authorize this request (${why}); refused`);
}
