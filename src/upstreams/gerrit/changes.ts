// Asks Gerrit about a change with the proxy's service account, so a submit or a vote is
// decided on the change's real owner and approvals. Every ask is answered by Gerrit then and
// there: only writes ask, and a write makes whatever we knew before stale (a cache here was
// filled and dropped by the same request, never hit). When Gerrit cannot be asked the request
// fails closed.

import { ChangegateError } from '../../errors.js';
import { changeFacts, parseGerritJson, type ChangeFacts } from './change-info.js';
import { gerritHttp, type GerritHttp } from './gerrit-http.js';

export interface ChangeSource {
  /** Gerrit's view of the change now. `id` is the decoded {change-id} exactly as the client named the change. */
  get(id: string): Promise<ChangeFacts>;
}

export interface GerritChangeSourceOptions {
  /** Gerrit's base URL (upstreams.gerrit.url). */
  readonly url: string;
  readonly serviceAccount: { readonly username: string; readonly token: string };
  /** Gerrit's auth.httpHeader, set to the service account's name as the proxy does for users. */
  readonly usernameHeader?: string;
  readonly timeoutMs?: number;
}

const QUERY = 'o=LABELS&o=DETAILED_LABELS&o=CURRENT_REVISION&o=DETAILED_ACCOUNTS';

export class GerritChangeSource implements ChangeSource {
  readonly #options: GerritChangeSourceOptions;
  readonly #http: GerritHttp;
  readonly #authorization: string;

  constructor(options: GerritChangeSourceOptions) {
    this.#options = options;
    this.#http = gerritHttp(options.url.replace(/\/+$/, ''));
    this.#authorization = `Basic ${Buffer.from(`${options.serviceAccount.username}:${options.serviceAccount.token}`).toString('base64')}`;
  }

  async get(id: string): Promise<ChangeFacts> {
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
