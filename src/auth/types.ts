// The authenticate stage's contract. An authenticator looks only at the credential it owns
// (a bearer JWT, a PAT, a session cookie) and answers one of three ways.

import type { IncomingMessage } from 'node:http';
import type { ChangegateError } from '../errors.js';
import type { AuthenticatedIdentity } from '../identity/types.js';
import type { ClientInfo, NormalizedTarget } from '../http/types.js';

export type AuthResult =
  /** The credential was valid: this is who is calling. */
  | { readonly kind: 'authenticated'; readonly identity: AuthenticatedIdentity; readonly setCookies?: readonly string[] }
  /** This authenticator's credential is not present; ask the next one. */
  | { readonly kind: 'absent' }
  /** A credential was presented and is bad. Never falls through to another authenticator. */
  | { readonly kind: 'rejected'; readonly error: ChangegateError };

export interface AuthRequest {
  readonly req: IncomingMessage;
  readonly target: NormalizedTarget;
  readonly client: ClientInfo;
}

export interface Authenticator {
  readonly name: string;
  authenticate(request: AuthRequest): Promise<AuthResult>;
}
