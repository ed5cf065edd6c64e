// Turns ID token (and userinfo) claims into the few facts a session keeps. Claims are IdP input:
// each is type-checked, and anything odd is dropped or refused rather than passed on.

import { MAX_NAME_FIELD } from '../session/bounds.js';

export interface Profile {
  readonly sub: string;
  readonly iss: string;
  readonly username: string;
  readonly email?: string;
  /** Raw groups claim value, not yet parsed or bounded (see session/bounds.ts). */
  readonly groups: unknown;
}

export interface ProfileOptions {
  readonly usernameClaim: string;
  readonly groupsClaim: string;
}

export type ProfileResult = { readonly ok: true; readonly profile: Profile } | { readonly ok: false; readonly reason: string };

/** Sent upstream in a header and used as Gerrit's account name: printable ASCII, no spaces. */
const USERNAME = /^[\x21-\x7e]{1,128}$/;
/** One `@` only: multi-`@` addresses slipped past domain checks elsewhere (oauth2-proxy GHSA-c5c4-8r6x-56w3). */
const EMAIL = /^[^@\s]{1,64}@[^@\s]{1,190}$/;

function stringClaim(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const v = claims[name];
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME_FIELD ? v : undefined;
}

export function hasGroupsClaim(claims: Readonly<Record<string, unknown>>, groupsClaim: string): boolean {
  return claims[groupsClaim] !== undefined;
}

export function profileFromClaims(claims: Readonly<Record<string, unknown>>, options: ProfileOptions): ProfileResult {
  const sub = stringClaim(claims, 'sub');
  const iss = stringClaim(claims, 'iss');
  if (sub === undefined || iss === undefined) return { ok: false, reason: 'the identity provider sent no subject or issuer' };
  const emailClaim = stringClaim(claims, 'email');
  const email = emailClaim !== undefined && EMAIL.test(emailClaim) && claims['email_verified'] !== false ? emailClaim : undefined;
  // Never the email's local part: alice@a.test and alice@b.test would become one Gerrit account.
  const username = [stringClaim(claims, options.usernameClaim), sub].find((c): c is string => c !== undefined && USERNAME.test(c));
  if (username === undefined) {
    return { ok: false, reason: `the identity provider sent no usable user name (claim "${options.usernameClaim}")` };
  }
  return {
    ok: true,
    profile: { sub, iss, username, ...(email === undefined ? {} : { email }), groups: claims[options.groupsClaim] },
  };
}
