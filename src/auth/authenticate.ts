// The authenticate stage: authenticators run in order, and the first that recognises its
// credential decides (`authenticated` or `rejected`); a rejection never falls through to the
// next, so a bad token can't be "rescued" by a cookie. When all are absent the request is
// anonymous, except that an Authorization header nobody recognised is refused: silently
// treating a caller who sent credentials as anonymous hides their mistake.
//
// Also here: the identity headers stamped onto an allowed request for the upstream.

import { ChangegateError, isChangegateError } from '../errors.js';
import { groupsHeaderValue } from '../identity/groups.js';
import type { Identity } from '../identity/types.js';
import { ASSERTION_HEADER } from './assertion.js';
import type { AuthRequest, AuthResult, Authenticator } from './types.js';

export interface ChainOptions {
  /** Refuse an Authorization header no authenticator claimed. Default true. */
  readonly rejectUnclaimedAuthorization?: boolean;
}

export function authenticationChain(authenticators: readonly Authenticator[], options: ChainOptions = {}): Authenticator {
  const rejectUnclaimed = options.rejectUnclaimedAuthorization ?? true;
  return {
    name: `chain(${authenticators.map((a) => a.name).join(',')})`,
    async authenticate(request: AuthRequest): Promise<AuthResult> {
      for (const authenticator of authenticators) {
        const result = await runOne(authenticator, request);
        if (result.kind !== 'absent') return result;
      }
      if (rejectUnclaimed && request.req.headers.authorization !== undefined) {
        const scheme = /^[A-Za-z][A-Za-z0-9-]{0,19}/.exec(request.req.headers.authorization)?.[0] ?? 'this';
        return {
          kind: 'rejected',
          error: new ChangegateError('unauthenticated', `the Authorization header holds a ${scheme} credential Changegate does not accept`, {
            headers: { 'WWW-Authenticate': 'Bearer realm="changegate", Basic realm="changegate"' },
          }),
        };
      }
      return { kind: 'absent' };
    },
  };
}

/** An authenticator that throws fails closed: the request is refused, never passed on. */
async function runOne(authenticator: Authenticator, request: AuthRequest): Promise<AuthResult> {
  try {
    return await authenticator.authenticate(request);
  } catch (err) {
    const error = isChangegateError(err) ? err : new ChangegateError('internal', `the ${authenticator.name} authenticator failed`, { cause: err });
    return { kind: 'rejected', error };
  }
}

export interface IdentityHeaderOptions {
  /** Gerrit's `auth.httpHeader`. Default X-Forwarded-User. */
  readonly usernameHeader?: string;
  /** Longest X-Forwarded-Groups value; whole groups are dropped past it. Default 2048. */
  readonly maxGroupsHeaderBytes?: number;
  /** A signed assertion (assertion.ts) to send as X-Changegate-Assertion. */
  readonly assertion?: string;
}

/**
 * The identity headers for the upstream, with lowercase names as in Node's `req.headers`, so the
 * stamper can merge them without creating case-variant duplicates. Anonymous requests get none.
 * Callers strip every client-sent identity header first (proxy/header-names.ts); this only says
 * what to set.
 */
export function identityHeaders(identity: Identity, options: IdentityHeaderOptions = {}): Record<string, string> {
  if (identity.kind !== 'authenticated') return {};
  const headers: Record<string, string> = {
    'x-forwarded-user': identity.username,
    'x-forwarded-preferred-username': identity.username,
  };
  if (identity.email !== undefined) headers['x-forwarded-email'] = identity.email;
  const groups = groupsHeaderValue(identity.groups, options.maxGroupsHeaderBytes ?? 2048);
  if (groups !== '') headers['x-forwarded-groups'] = groups;
  if (options.usernameHeader !== undefined) headers[options.usernameHeader.toLowerCase()] = identity.username;
  if (options.assertion !== undefined) headers[ASSERTION_HEADER.toLowerCase()] = options.assertion;
  return headers;
}
