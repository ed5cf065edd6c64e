// Builds the oidc-provider configuration for the development IdP. Kept apart from the server so
// the choices (and why) read in one place.

import { randomBytes } from 'node:crypto';
import { errors } from 'oidc-provider';
import type { JWK } from 'jose';
import type { DevClient, DevUser } from './dev-users.js';

export const DEV_RESOURCE_SCOPES = 'read write';
const AUDIENCE_URN = 'urn:changegate:audience:';

/**
 * RFC 8707 resource indicators must be absolute URIs, but configured audiences often are plain
 * names (`changegate`). Plain names travel as `urn:changegate:audience:<name>`.
 */
export function resourceForAudience(audience: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(audience) ? audience : `${AUDIENCE_URN}${audience}`;
}

function audienceForResource(resource: string): string {
  return resource.startsWith(AUDIENCE_URN) ? resource.slice(AUDIENCE_URN.length) : resource;
}

export interface ProviderSettings {
  readonly clients: readonly DevClient[];
  readonly users: readonly DevUser[];
  readonly keys: readonly JWK[];
  readonly accessTokenTtlSeconds: number;
  readonly clientTokenTtlSeconds: number;
}

function clientMetadata(c: DevClient): Record<string, unknown> {
  if (c.kind === 'machine') {
    return {
      client_id: c.clientId,
      client_secret: c.clientSecret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    };
  }
  return {
    client_id: c.clientId,
    client_secret: c.clientSecret,
    redirect_uris: [...c.redirectUris],
    post_logout_redirect_uris: [...(c.postLogoutRedirectUris ?? [])],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: c.tokenEndpointAuthMethod ?? 'client_secret_basic',
  };
}

function findUser(users: readonly DevUser[], id: string): DevUser | undefined {
  // The dev sign-in form submits the typed name as the account id; later lookups use that too.
  return users.find((u) => u.username === id || u.sub === id);
}

export function providerConfiguration(s: ProviderSettings): Record<string, unknown> {
  const machines = new Map(s.clients.flatMap((c) => (c.kind === 'machine' ? [[c.clientId, c] as const] : [])));
  const signingAlg = typeof s.keys[0]?.alg === 'string' ? s.keys[0].alg : 'RS256';
  return {
    clients: s.clients.map(clientMetadata),
    jwks: { keys: s.keys.map((k) => ({ ...k, use: 'sig' })) },
    // Per-start random keys: dev sessions at the IdP do not survive a restart, which is fine.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
    },
    // Default true would keep scope claims (groups) out of the ID token in the code flow.
    conformIdTokenClaims: false,
    clientBasedCORS: () => false,
    async findAccount(_ctx: unknown, id: string) {
      const user = findUser(s.users, id);
      if (user === undefined) return undefined;
      return {
        accountId: user.sub,
        async claims() {
          return {
            sub: user.sub,
            email: user.email,
            email_verified: true,
            name: user.name,
            preferred_username: user.username,
            groups: [...user.groups],
          };
        },
      };
    },
    async extraTokenClaims(_ctx: unknown, token: { kind?: string; clientId?: string }) {
      const groups = token.kind === 'ClientCredentials' ? machines.get(token.clientId ?? '')?.groups : undefined;
      return groups === undefined ? undefined : { groups: [...groups] };
    },
    ttl: {
      AccessToken: s.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      ClientCredentials: s.clientTokenTtlSeconds,
      IdToken: 3600,
      Interaction: 600,
      Grant: 14 * 24 * 3600,
      Session: 14 * 24 * 3600,
      RefreshToken: 14 * 24 * 3600,
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Machine clients get their configured audience without naming a resource, so
        // `curl -u id:secret -d grant_type=client_credentials .../token` yields a usable JWT.
        async defaultResource(_ctx: unknown, client: { clientId: string }, oneOf?: string) {
          if (oneOf !== undefined) return oneOf;
          const machine = machines.get(client.clientId);
          return machine === undefined ? undefined : resourceForAudience(machine.audience ?? 'changegate');
        },
        async useGrantedResource() {
          return false;
        },
        async getResourceServerInfo(_ctx: unknown, indicator: string, client: { clientId: string }) {
          // Only machine clients get JWT access tokens; browser sign-in keeps opaque ones.
          if (!machines.has(client.clientId)) throw new errors.InvalidTarget();
          return {
            scope: DEV_RESOURCE_SCOPES,
            audience: audienceForResource(indicator),
            accessTokenTTL: s.clientTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: signingAlg } },
          };
        },
      },
    },
  };
}
