// The development IdP's documented people and clients. The README lists these; keep the two in
// step. Passwords are not checked: the dev sign-in form accepts any password for a known user.
//
//   user   groups                                what it is for
//   alice  platform-admins                       admin
//   bob    gerrit-reviewers                      reviewer
//   carol  data-operators                        operator
//   dave   (none)                                a plain signed-in viewer
//   gus    gerrit-reviewers + 300 filler groups  bounds on group lists (cookies, headers)
//
// `sub` equals the user name: oidc-provider's dev sign-in form uses what was typed as the
// account id, and so as `sub`. Emails are <user>@example.test.

import type { z } from 'zod';
import type { configSchema } from '../config/schema.js';

export interface DevUser {
  /** The IdP's stable subject id. */
  readonly sub: string;
  /** What the person types into the sign-in form; also the `preferred_username` claim. */
  readonly username: string;
  readonly email: string;
  readonly name: string;
  readonly groups: readonly string[];
}

/** A confidential client that signs people in with authorization code + PKCE. */
export interface DevBrowserClient {
  readonly kind: 'browser';
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
  /** Default `client_secret_basic` (openid-client's `ClientSecretBasic`). */
  readonly tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

/** A machine client that gets JWT access tokens with client_credentials. */
export interface DevMachineClient {
  readonly kind: 'machine';
  readonly clientId: string;
  readonly clientSecret: string;
  /** Audience of its tokens when the request names no resource. Default `changegate`. */
  readonly audience?: string;
  /** Optional `groups` claim on its tokens (like app roles in some IdPs). */
  readonly groups?: readonly string[];
}

export type DevClient = DevBrowserClient | DevMachineClient;

const FILLER_GROUPS = Array.from({ length: 300 }, (_, i) => `filler-group-${String(i).padStart(3, '0')}`);

export const DEV_USERS: readonly DevUser[] = Object.freeze([
  { sub: 'alice', username: 'alice', email: 'alice@example.test', name: 'Alice Admin', groups: ['platform-admins'] },
  { sub: 'bob', username: 'bob', email: 'bob@example.test', name: 'Bob Reviewer', groups: ['gerrit-reviewers'] },
  { sub: 'carol', username: 'carol', email: 'carol@example.test', name: 'Carol Operator', groups: ['data-operators'] },
  { sub: 'dave', username: 'dave', email: 'dave@example.test', name: 'Dave Viewer', groups: [] },
  { sub: 'gus', username: 'gus', email: 'gus@example.test', name: 'Gus Manygroups', groups: ['gerrit-reviewers', ...FILLER_GROUPS] },
]);

export const DEV_BROWSER_CLIENT_ID = 'changegate';
export const DEV_BROWSER_CLIENT_SECRET = 'changegate-dev-secret';
export const DEV_MACHINE_CLIENT_ID = 'ci-runner';
export const DEV_MACHINE_CLIENT_SECRET = 'ci-runner-dev-secret';
export const DEV_AUDIENCE = 'changegate';

/**
 * The clients `npm start` registers: Changegate itself as the browser client (callback and logout
 * return under `publicUrl`) and one CI machine client.
 */
export function defaultDevClients(publicUrl: string): DevClient[] {
  const base = publicUrl.replace(/\/+$/, '');
  return [
    {
      kind: 'browser',
      clientId: DEV_BROWSER_CLIENT_ID,
      clientSecret: DEV_BROWSER_CLIENT_SECRET,
      redirectUris: [`${base}/.changegate/callback`],
      postLogoutRedirectUris: [`${base}/`],
    },
    { kind: 'machine', clientId: DEV_MACHINE_CLIENT_ID, clientSecret: DEV_MACHINE_CLIENT_SECRET, audience: DEV_AUDIENCE },
  ];
}

/**
 * The `identity` section the embedded default runs with: this IdP for browser sign-in and for
 * machine tokens, and roles for the documented users and the CI client.
 */
export function devIdentityConfig(issuer: string): NonNullable<z.input<typeof configSchema>['identity']> {
  return {
    bearer: [{ issuer, audience: DEV_AUDIENCE }],
    oidc: { issuer, clientId: DEV_BROWSER_CLIENT_ID, clientSecret: DEV_BROWSER_CLIENT_SECRET },
    groupsClaim: 'groups',
    roles: {
      reviewer: { groups: ['gerrit-reviewers'] },
      operator: { groups: ['data-operators'] },
      ci: { clients: [DEV_MACHINE_CLIENT_ID] },
      admin: { groups: ['platform-admins'] },
    },
  };
}
