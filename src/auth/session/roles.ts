// Adapts the identity module's role mapping to the shape sessions and PATs call.

import { rolesFor } from '../../identity/roles.js';
import type { RoleMap } from '../../identity/roles.js';
import type { RoleMapper } from './types.js';

export function roleMapper(map: RoleMap): RoleMapper {
  return (who) =>
    rolesFor({ subject: who.id, groups: who.groups, human: who.human, ...(who.email === undefined ? {} : { email: who.email }) }, map);
}
