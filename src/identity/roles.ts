// Roles from claims, by the config's `identity.roles` map. A pure function: the same claims and
// map always give the same roles, in ROLES order, without duplicates.

import type { Config } from '../config/schema.js';
import { ROLES, type Role } from './types.js';

export type RoleMap = Config['identity']['roles'];

/** The facts role grants may match on. */
export interface RoleSubject {
  /** `sub` of the credential. */
  readonly subject: string;
  readonly email?: string;
  readonly groups: readonly string[];
  /** `client_id` or `azp` of a token. */
  readonly clientId?: string;
  readonly human: boolean;
}

/**
 * Every authenticated human is also `viewer`; machines get only what the map grants them, so a
 * new CI client reads nothing until someone says it may. Emails compare case-insensitively and
 * whole (never by suffix or domain), which keeps `a@b.test@evil.test` tricks out.
 */
export function rolesFor(who: RoleSubject, map: RoleMap): Role[] {
  const groups = new Set(who.groups);
  const email = who.email?.toLowerCase();
  const held = new Set<Role>(who.human ? ['viewer'] : []);
  for (const role of ROLES) {
    const grant = map[role];
    if (grant === undefined) continue;
    if (
      grant.subjects.includes(who.subject) ||
      grant.groups.some((g) => groups.has(g)) ||
      (who.clientId !== undefined && grant.clients.includes(who.clientId)) ||
      (email !== undefined && grant.emails.some((e) => e.toLowerCase() === email))
    ) {
      held.add(role);
    }
  }
  return ROLES.filter((r) => held.has(r));
}

/** Groups the role map mentions; these are kept first when a group list must be cut short. */
export function mappedGroups(map: RoleMap): ReadonlySet<string> {
  return new Set(ROLES.flatMap((r) => map[r]?.groups ?? []));
}
