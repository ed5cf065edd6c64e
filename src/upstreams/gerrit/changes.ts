// Asks Gerrit about a change with the proxy's service account, so a submit or a vote is
// decided on the change's real owner and approvals. Answers are cached briefly and dropped on
// any write we classify for that change. When Gerrit cannot be asked the request fails closed.

import { LRUCache } from 'lru-cache';
import { ChangegateError } from '../../errors.js';
import { changeFacts, parseGerritJson, type ChangeFacts } from './change-info.js';
import { gerritHttp, type GerritHttp } from './gerrit-http.js';

export interface ChangeSource {
  /** `id` is the decoded {change-id} exactly as the client named the change. */
  get(id: string): Promise<ChangeFacts>;
  /** Forget everything cached about this change (by any of its names). */
  invalidate(id: string, number?: number): void;
}

export interface GerritChangeSourceOptions {
  /** Gerrit's base URL (upstreams.gerrit.url). */
  readonly url: string;
  readonly serviceAccount: { readonly username: string; readonly token: string };
  /** Gerrit's auth.httpHeader, set to the service account's name as the proxy does for users. */
  readonly usernameHeader?: string;
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly timeoutMs?: number;
}

const QUERY = 'o=LABELS&o=DETAILED_LABELS&o=CURRENT_REVISION&o=DETAILED_ACCOUNTS';


export class GerritChangeSource implements ChangeSource {
  readonly #cache: LRUCache<string, ChangeFacts>;
  /** Change number -> the ids it is cached under (number, Change-Id, project~number, ...). */
  readonly #keysOf = new Map<number, Set<string>>();
  readonly #options: GerritChangeSourceOptions;
  readonly #base: string;
  readonly #http: GerritHttp;
  readonly #authorization: string;

  constructor(options: GerritChangeSourceOptions) {
    this.#options = options;
    this.#base = options.url.replace(/\/+$/, '');
    this.#http = gerritHttp(this.#base);
    this.#authorization = `Basic ${Buffer.from(`${options.serviceAccount.username}:${options.serviceAccount.token}`).toString('base64')}`;
    this.#cache = new LRUCache({
      max: options.maxEntries ?? 1000,
      ttl: options.ttlMs ?? 2000,
      dispose: (facts, key) => {
        const keys = this.#keysOf.get(facts.number);
        keys?.delete(key);
        if (keys?.size === 0) this.#keysOf.delete(facts.number);
      },
    });
  }

  async get(id: string): Promise<ChangeFacts> {
    const cached = this.#cache.get(id);
    if (cached !== undefined) return cached;
    const facts = await this.#fetch(id);
    this.#cache.set(id, facts);
    const keys = this.#keysOf.get(facts.number) ?? new Set<string>();
    keys.add(id);
    this.#keysOf.set(facts.number, keys);
    return facts;
  }

  /** A write to a change drops it under every id it was cached by, without walking the cache. */
  invalidate(id: string, number?: number): void {
    const cached = this.#cache.peek(id, { allowStale: true });
    this.#cache.delete(id);
    for (const n of new Set([number, cached?.number])) {
      if (n === undefined) continue;
      for (const key of [...(this.#keysOf.get(n) ?? [])]) this.#cache.delete(key);
    }
  }

  async #fetch(id: string): Promise<ChangeFacts> {
    const path = `/a/changes/${encodeURIComponent(id)}?${QUERY}`;
    const headers: Record<string, string> = { accept: 'application/json', authorization: this.#authorization };
    if (this.#options.usernameHeader !== undefined) headers[this.#options.usernameHeader.toLowerCase()] = this.#options.serviceAccount.username;
    let status: number;
    let text: string;
    try {
      ({ status, text } = await this.#http.request(path, { headers, timeoutMs: this.#options.timeoutMs ?? 5000 }));
    } catch (e) {
      throw unavailable(id, 'Gerrit did not answer', e);
    }
    if (status === 404) throw new ChangegateError('not_found', `change ${id} was not found in Gerrit`);
    if (status < 200 || status >= 300) throw unavailable(id, `Gerrit answered ${status}`);
    let facts: ChangeFacts | undefined;
    try {
      facts = changeFacts(parseGerritJson(text));
    } catch (e) {
      throw unavailable(id, 'Gerrit sent a change that is not JSON', e);
    }
    if (facts === undefined) throw unavailable(id, 'Gerrit sent a change without number, project or branch');
    return facts;
  }
}

function unavailable(id: string, why: string, cause?: unknown): ChangegateError {
  return new ChangegateError('upstream_unavailable', `cannot decide on change ${id}: ${why}, so the request was refused`, cause === undefined ? {} : { cause });
}
