// Turns a verified access token's claims into a BearerIdentity. Decisions, so they are made once:
//
// - id is `sub` (required). clientId is `client_id`, else `azp`.
// - Machine or human: a token is a machine's when it has the client_credentials shape: `sub`
//   equals the client id (oidc-provider, Okta), `sub` is `<client>@clients` or `gty` is
//   `client-credentials` (Auth0), or `preferred_username` is `service-account-<client>`
//   (Keycloak). Everything else is a person acting through a client.
// - username is the configured usernameClaim (default preferred_username); without it, a
//   machine's client id, else `sub`. Never the email's local part: alice@a.test and alice@b.test
//   would become one Gerrit account.
// - username and email must be printable ASCII without spaces, because they are sent upstream in
//   headers; a token that breaks this is rejected with a reason rather than silently altered.

import type { JWTPayload } from 'jose';
import type { BearerIdentity } from './types.js';
import { boundGroups, groupsFromClaim, MAX_GROUPS_IN_CLAIM, MAX_IDENTITY_GROUPS } from './groups.js';
import { mappedGroups, rolesFor, type RoleMap } from './roles.js';

export interface ClaimRules {
  readonly issuer: string;
  readonly usernameClaim: string;
  readonly groupsClaim: string;
  readonly roles: RoleMap;
}

export type ClaimsResult = { readonly ok: true; readonly identity: BearerIdentity } | { readonly ok: false; readonly reason: string };

const HEADER_SAFE = /^[\x21-\x7e]{1,256}$/;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function isMachineToken(payload: JWTPayload, clientId: string | undefined): boolean {
  if (payload['gty'] === 'client-credentials') return true;
  if (clientId === undefined) return false;
  return (
    payload.sub === clientId ||
    payload.sub === `${clientId}@clients` ||
    payload['preferred_username'] === `service-account-${clientId}`
  );
}

export function bearerIdentityFromClaims(payload: JWTPayload, rules: ClaimRules): ClaimsResult {
  const sub = str(payload.sub);
  if (sub === undefined) return { ok: false, reason: 'the token has no sub claim, so it names no subject' };
  const clientId = str(payload['client_id']) ?? str(payload['azp']);
  const human = !isMachineToken(payload, clientId);
  const username = str(payload[rules.usernameClaim]) ?? (human ? sub : (clientId ?? sub));
  if (!HEADER_SAFE.test(username)) {
    return { ok: false, reason: `the token's user name (${rules.usernameClaim} or sub) must be 1-256 printable ASCII characters without spaces` };
  }
  const email = str(payload['email']);
  if (email !== undefined && !HEADER_SAFE.test(email)) {
    return { ok: false, reason: "the token's email claim must be printable ASCII without spaces" };
  }
  const allGroups = groupsFromClaim(payload[rules.groupsClaim]);
  if (allGroups === undefined) {
    return { ok: false, reason: `the token's ${rules.groupsClaim} claim lists more than ${MAX_GROUPS_IN_CLAIM} groups` };
  }
  const roles = rolesFor({ subject: sub, email, groups: allGroups, clientId, human }, rules.roles);
  const identity: BearerIdentity = {
    kind: 'authenticated',
    via: 'bearer',
    id: sub,
    username,
    groups: allGroups.length > MAX_IDENTITY_GROUPS ? boundGroups(allGroups, MAX_IDENTITY_GROUPS, mappedGroups(rules.roles)) : allGroups,
    roles,
    issuer: rules.issuer,
    human,
    ...(email === undefined ? {} : { email }),
    ...(clientId === undefined ? {} : { clientId }),
    ...(typeof payload.jti === 'string' ? { tokenId: payload.jti } : {}),
    ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp } : {}),
  };
  return { ok: true, identity };
}
