// The Gerrit change a Dagster request is made for: from the deployment (a branch deployment
// built for one change, which wins) or from the `X-Gerrit-Change` header (CI sets it), which is
// a claim checked before it is believed (requestChange). Header forms:
// `12345`, `I<hex>` (Change-Id), or both separated by a comma: `12345,I8473b95934b5732ac55d26311a706c9c2bde9940`.

import { ChangegateError } from '../../errors.js';
import { isAuthenticated, type Identity } from '../../identity/types.js';
import type { ChangeRef } from '../../pipeline/types.js';

const NUMBER = /^[1-9][0-9]{0,9}$/;
const CHANGE_ID = /^I[0-9a-f]{40}$/;

export function changeFromHeader(value: string | string[] | undefined): ChangeRef | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new ChangegateError('bad_header', 'X-Gerrit-Change may be sent once');
  const out: { number?: number; changeId?: string } = {};
  for (const part of value.split(',').map((p) => p.trim())) {
    if (NUMBER.test(part) && out.number === undefined && Number(part) <= 2 ** 31 - 1) out.number = Number(part);
    else if (CHANGE_ID.test(part) && out.changeId === undefined) out.changeId = part;
    else throw new ChangegateError('bad_header', 'X-Gerrit-Change must be a change number, a Change-Id (I + 40 hex digits), or both separated by a comma');
  }
  return out;
}

export function changeTags(change: ChangeRef | undefined): { key: string; value: string }[] {
  if (change === undefined) return [];
  return [
    ...(change.number === undefined ? [] : [{ key: 'gerrit/change-number', value: String(change.number) }]),
    ...(change.changeId === undefined ? [] : [{ key: 'gerrit/change-id', value: change.changeId }]),
  ];
}

/** Where the change a request is attributed to came from (policy input `resource.change.source`). */
export type ChangeSource =
  /** The branch deployment was built for it (config). */
  | 'deployment'
  /** X-Gerrit-Change, and Gerrit confirmed the caller can see the change. */
  | 'header-verified'
  /** X-Gerrit-Change from a role configured as trusted to name changes (`ci` by default). */
  | 'header-trusted';

export interface SourcedChange {
  readonly ref: ChangeRef;
  readonly source: ChangeSource;
}

/** Confirms with Gerrit that `username` may see the change `claimed` names; Gerrit's view of it. */
export type ChangeVerifier = (username: string, claimed: ChangeRef) => Promise<ChangeRef>;

/** How X-Gerrit-Change claims are taken (config `upstreams.dagster.changeHeader`). */
export interface ChangeClaims {
  /** Roles whose X-Gerrit-Change is taken as given. */
  readonly trustedRoles: readonly string[];
  /** Asks Gerrit as the caller; absent (no Gerrit upstream), only trusted roles may name a change. */
  readonly verify?: ChangeVerifier;
}

export const DEFAULT_CHANGE_CLAIMS: ChangeClaims = { trustedRoles: ['ci'] };

/**
 * The change a request is for. A branch deployment's change is authoritative: it is what the
 * deployment runs, and a header naming another change there is refused (400). Elsewhere a header
 * is a claim, never a fact: it is taken from a trusted role, or once Gerrit confirms the caller
 * can see the change (Gerrit's answer, project included, is what we keep); otherwise 400. An
 * anonymous caller's header is ignored: policy refuses the request, and it must not make the
 * proxy ask Gerrit anything.
 */
export async function requestChange(
  header: string | string[] | undefined,
  deploymentChange: ChangeRef | undefined,
  identity: Identity,
  claims: ChangeClaims,
): Promise<SourcedChange | undefined> {
  const named = changeFromHeader(header);
  if (deploymentChange !== undefined) {
    if (named !== undefined && !sameChange(named, deploymentChange)) {
      throw new ChangegateError('bad_header', 'X-Gerrit-Change names another change than the one this branch deployment is for');
    }
    return { ref: deploymentChange, source: 'deployment' };
  }
  if (named === undefined || !isAuthenticated(identity)) return undefined;
  if (identity.roles.some((role) => claims.trustedRoles.includes(role))) return { ref: named, source: 'header-trusted' };
  if (claims.verify === undefined) {
    throw new ChangegateError('bad_header', `X-Gerrit-Change cannot be checked here (no Gerrit upstream is configured), and only the roles ${claims.trustedRoles.join(', ') || '(none)'} may name a change unchecked; leave the header out`);
  }
  return { ref: await claims.verify(identity.username, named), source: 'header-verified' };
}

/** `resource.change` for policy: the change and where it came from. */
export function changeInput(change: SourcedChange): Record<string, unknown> {
  return { ...change.ref, source: change.source };
}

/** Contradicts on no part both name. */
function sameChange(a: ChangeRef, b: ChangeRef): boolean {
  const agree = <T>(x: T | undefined, y: T | undefined): boolean => x === undefined || y === undefined || x === y;
  return agree(a.number, b.number) && agree(a.changeId, b.changeId);
}
