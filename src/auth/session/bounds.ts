// Bounds on what an IdP may put into our cookie and upstream headers. A user in hundreds of
// groups must not produce a cookie the browser refuses or headers an upstream answers with 431
// (pomerium#2730, oauth2-proxy#644). Groups that role mapping names are always kept (the identity
// module's mappedGroups), so the bound never changes anyone's roles; the rest fill up to
// maxGroups in the IdP's order.

import { boundGroups as boundGroupList, groupsFromClaim } from '../../identity/groups.js';

/** Longest group name kept in a session; longer ones are dropped unless role mapping names them. */
export const MAX_GROUP_NAME = 128;
export const MAX_NAME_FIELD = 256;
/** ID tokens above this are not kept for the logout hint; logout then names the client instead. */
export const MAX_ID_TOKEN_HINT = 1500;

export interface BoundedGroups {
  readonly groups: string[];
  readonly truncated: boolean;
}

/** The groups a session keeps from a raw claim value. */
export function boundGroups(claim: unknown, named: ReadonlySet<string>, maxGroups: number): BoundedGroups {
  const all = groupsFromClaim(claim) ?? [];
  const usable = all.filter((g) => named.has(g) || g.length <= MAX_GROUP_NAME);
  const kept = boundGroupList(usable, maxGroups, named);
  return { groups: kept, truncated: kept.length < all.length };
}
