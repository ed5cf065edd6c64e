// Authenticates `Authorization: Bearer cgp_...` and HTTP Basic (user name + token), the form git
// sends. A Bearer value that is not ours is left for the JWT authenticator. Basic is only ever a
// PAT here, so a Basic password that is not one is refused with a reason git users can act on.

import { ChangegateError } from '../../errors.js';
import type { AuthRequest, AuthResult, Authenticator } from '../types.js';
import type { PatService } from './service.js';
import { looksLikePat, PAT_PREFIX } from './token.js';

const CHALLENGE = { 'www-authenticate': 'Basic realm="changegate"' };

type Presented = { readonly kind: 'none' } | { readonly kind: 'pat'; readonly token: string; readonly username?: string } | { readonly kind: 'bad'; readonly reason: string };

export function presentedPat(authorization: string | undefined): Presented {
  if (authorization === undefined) return { kind: 'none' };
  const space = authorization.indexOf(' ');
  const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
  const value = space < 0 ? '' : authorization.slice(space + 1).trim();
  if (scheme === 'bearer') {
    if (!value.startsWith(PAT_PREFIX)) return { kind: 'none' };
    return looksLikePat(value) ? { kind: 'pat', token: value } : { kind: 'bad', reason: 'malformed access token' };
  }
  if (scheme !== 'basic') return { kind: 'none' };
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'bad', reason: 'malformed Basic credentials' };
  const username = decoded.slice(0, colon);
  const token = decoded.slice(colon + 1);
  if (!looksLikePat(token)) {
    return { kind: 'bad', reason: 'the password must be a Changegate access token (cgp_...); create one at /.changegate/tokens' };
  }
  return username === '' ? { kind: 'pat', token } : { kind: 'pat', token, username };
}

export class PatAuthenticator implements Authenticator {
  readonly name = 'pat';
  readonly #service: PatService;

  constructor(service: PatService) {
    this.#service = service;
  }

  async authenticate(request: AuthRequest): Promise<AuthResult> {
    const presented = presentedPat(request.req.headers.authorization);
    if (presented.kind === 'none') return { kind: 'absent' };
    if (presented.kind === 'bad') return { kind: 'rejected', error: new ChangegateError('unauthenticated', presented.reason, { headers: CHALLENGE }) };
    const checked = await this.#service.check(presented.token, presented.username);
    if (!checked.ok) return { kind: 'rejected', error: new ChangegateError('unauthenticated', checked.reason, { headers: CHALLENGE }) };
    return { kind: 'authenticated', identity: checked.identity };
  }
}
