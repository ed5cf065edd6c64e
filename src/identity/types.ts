// Who is behind a request. Every authenticator produces one of these; nothing downstream
// looks at raw tokens or cookies again.

export const ROLES = ['viewer', 'reviewer', 'operator', 'ci', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** How the subject proved who it is. `none` only ever appears on an anonymous request. */
/** `service` is Changegate acting on its own (deploy on merge), never a request's subject. */
export type Via = 'oidc' | 'bearer' | 'pat' | 'service';

interface Authenticated<V extends Via> {
  readonly kind: 'authenticated';
  readonly via: V;
  /** Stable subject id: the IdP's `sub` (humans) or client id (machines). */
  readonly id: string;
  readonly email?: string;
  /** Human-friendly user name; what Gerrit receives in its auth header. */
  readonly username: string;
  readonly groups: readonly string[];
  readonly roles: readonly Role[];
  /** The issuer that vouched for this subject. */
  readonly issuer: string;
  /** True for people; machines (client_credentials tokens) are not implicitly `viewer`. */
  readonly human: boolean;
  /** Absolute expiry of the credential, seconds since the epoch. */
  readonly expiresAt?: number;
}

export interface OidcIdentity extends Authenticated<'oidc'> {
  readonly human: true;
  /** Session id, for audit correlation; never the cookie itself. */
  readonly sessionId: string;
}

export interface BearerIdentity extends Authenticated<'bearer'> {
  /** `client_id` or `azp` of the token, when present. */
  readonly clientId?: string;
  /** `jti` of the token, for audit correlation; never the token itself. */
  readonly tokenId?: string;
}

export interface PatIdentity extends Authenticated<'pat'> {
  readonly tokenId: string;
  /** A Gerrit change the token is bound to, if any. */
  readonly change?: string;
}

export interface Anonymous {
  readonly kind: 'anonymous';
}

export type Identity = OidcIdentity | BearerIdentity | PatIdentity | Anonymous;
export type AuthenticatedIdentity = Exclude<Identity, Anonymous>;

export const ANONYMOUS: Anonymous = Object.freeze({ kind: 'anonymous' });

export function isAuthenticated(id: Identity): id is AuthenticatedIdentity {
  return id.kind === 'authenticated';
}
