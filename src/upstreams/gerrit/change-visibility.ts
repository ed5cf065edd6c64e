// Asks Gerrit whether a user may see a change, as that user. A change a client names (Dagster's
// `X-Gerrit-Change`) is a claim: before the proxy stamps it on a run, or its service account
// posts about it, Gerrit must confirm the caller can see it.
//
// How: `GET /a/changes/<id>` carrying only the identity header the proxy stamps on that user's
// own requests (Gerrit's auth.httpHeader, which Gerrit trusts from the proxy for every forwarded
// request). Gerrit then answers exactly as it would answer the user: 404 for a change they cannot
// see or that does not exist, 401/403 when it does not know them. Chosen over the service
// account with `X-Gerrit-RunAs`: that needs the Run As capability (which lets the account act as
// anyone) and, where Gerrit ignores RunAs, would silently answer with the service account's own
// visibility, the very confusion this check exists to prevent. No service-account credential is
// sent: if Gerrit does not take the header, the request is anonymous and refused.

import { ChangegateError } from '../../errors.js';
import type { ChangeRef } from '../../pipeline/types.js';
import { changeFacts, parseGerritJson } from './change-info.js';
import { gerritHttp } from './gerrit-http.js';

export interface ChangeVisibilityOptions {
  /** Gerrit's base URL (upstreams.gerrit.url). */
  readonly url: string;
  /** Gerrit's auth.httpHeader: the header the proxy names its users in. */
  readonly usernameHeader: string;
  readonly timeoutMs?: number;
}

/** Confirms that `username` may see the change `claimed` names; returns Gerrit's view of it. */
export type ChangeVisibility = (username: string, claimed: ChangeRef) => Promise<ChangeRef>;

export function gerritChangeVisibility(options: ChangeVisibilityOptions): ChangeVisibility {
  const http = gerritHttp(options.url);
  return async (username, claimed) => {
    const id = claimed.number === undefined ? claimed.changeId : String(claimed.number);
    if (id === undefined) throw new ChangegateError('bad_header', 'X-Gerrit-Change names no change');
    let status: number;
    let text: string;
    try {
      ({ status, text } = await http.request(`/a/changes/${encodeURIComponent(id)}`, {
        headers: { accept: 'application/json', [options.usernameHeader.toLowerCase()]: username },
        timeoutMs: options.timeoutMs ?? 5000,
      }));
    } catch (e) {
      throw unavailable(id, 'Gerrit did not answer', e);
    }
    if (status === 404) {
      throw new ChangegateError('bad_header', `X-Gerrit-Change names change ${id}, which does not exist or which you (${username}) cannot see in Gerrit`);
    }
    if (status === 401 || status === 403) {
      throw new ChangegateError('bad_header', `Gerrit does not know you as ${JSON.stringify(username)}, so the change named in X-Gerrit-Change cannot be checked; sign in to Gerrit once, or leave the header out`);
    }
    if (status < 200 || status >= 300) throw unavailable(id, `Gerrit answered ${status}`);
    let facts;
    try {
      facts = changeFacts(parseGerritJson(text));
    } catch (e) {
      throw unavailable(id, 'Gerrit sent a change that is not JSON', e);
    }
    if (facts === undefined) throw unavailable(id, 'Gerrit sent a change without number, project or branch');
    if ((claimed.number !== undefined && claimed.number !== facts.number) || (claimed.changeId !== undefined && claimed.changeId !== facts.change_id)) {
      throw new ChangegateError('bad_header', `X-Gerrit-Change names a change number and a Change-Id that are not the same change in Gerrit (${id} is change ${facts.number}, ${facts.change_id ?? 'no Change-Id'})`);
    }
    return { number: facts.number, project: facts.project, branch: facts.branch, ...(facts.change_id === null ? {} : { changeId: facts.change_id }) };
  };
}

function unavailable(id: string, why: string, cause?: unknown): ChangegateError {
  return new ChangegateError('upstream_unavailable', `cannot check the change named in X-Gerrit-Change (${id}): ${why}, so the request was refused`, cause === undefined ? {} : { cause });
}
