// Bounds on what an IdP may put into our cookie and upstream headers. A user in hundreds of
// groups must not produce a cookie the browser refuses or headers an upstream answers with 431
// (pomerium#2730, oauth2-proxy#644). Groups that role mapping names are always kept (the identity
// module's mappedGroups), so the bound never changes anyone's roles; the rest fill up to
// maxGroups in the IdP's order.

import { boundGroups as boundGroupList, groupsFromClaim } from '../../identity/groups.js';

/** Longest group name kept in a session; longer ones are dropped unless role mapping names them. */
export const MAX_GROUP_NAME = 128;
export const MAX_NAME_FIELD = 256;
/**
 * Total bytes of group names a session keeps (besides those role mapping names). With the ID
 * token hint and a refresh token this keeps a session within two cookie chunks, far from the
 * 16 KB request-header limits of Node and most upstreams, whatever maxGroups is set to.
 */
export const MAX_GROUP_BYTES = 3000;
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
  const counted = boundGroupList(usable, maxGroups, named);
  let bytes = 0;
  const kept = counted.filter((g) => {
    if (named.has(g)) return true;
    bytes += g.length + 3; // the JSON quotes and comma
    return bytes <= MAX_GROUP_BYTES;
  });
  return { groups: kept, truncated: kept.length < all.length };
}
