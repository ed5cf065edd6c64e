// What a mint request may ask for, checked in one place for the page and the JSON API:
// - a name of 1-64 printable characters;
// - an expiry of 1 minute to 30 days, 8 hours by default;
// - a role ceiling that only narrows: it may name only roles the owner holds now;
// - a Gerrit change number to bind the token to.

import { ChangegateError } from '../../errors.js';
import { ROLES } from '../../identity/types.js';
import type { Role } from '../../identity/types.js';

export const DEFAULT_PAT_SECONDS = 8 * 3600;
export const MAX_PAT_SECONDS = 30 * 24 * 3600;
export const MIN_PAT_SECONDS = 60;

export interface MintRequest {
  readonly name: unknown;
  readonly expiresInSeconds?: unknown;
  readonly roles?: unknown;
  readonly change?: unknown;
}

export interface ValidMint {
  readonly name: string;
  readonly seconds: number;
  readonly ceiling?: readonly Role[];
  readonly change?: number;
}

const NAME = /^[\x20-\x7e]{1,64}$/;

function bad(reason: string): ChangegateError {
  return new ChangegateError('bad_request', reason);
}

function ceilingOf(roles: unknown, held: readonly Role[]): Role[] | undefined {
  if (roles === undefined || (Array.isArray(roles) && roles.length === 0)) return undefined;
  if (!Array.isArray(roles) || !roles.every((r): r is Role => typeof r === 'string' && (ROLES as readonly string[]).includes(r))) {
    throw bad(`roles: a list of ${ROLES.join(', ')}`);
  }
  const missing = roles.filter((r) => !held.includes(r));
  if (missing.length > 0) throw bad(`roles: a token can only narrow your roles; you do not hold ${missing.join(', ')}`);
  return ROLES.filter((r) => roles.includes(r));
}

/** The request as a valid mint, or a bad_request ChangegateError naming the field. */
export function validateMint(request: MintRequest, heldRoles: readonly Role[]): ValidMint {
  const name = typeof request.name === 'string' ? request.name.trim() : '';
  if (!NAME.test(name)) throw bad('name: 1-64 printable characters');
  const seconds = request.expiresInSeconds ?? DEFAULT_PAT_SECONDS;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < MIN_PAT_SECONDS || seconds > MAX_PAT_SECONDS) {
    throw bad(`expiresInSeconds: a whole number from ${MIN_PAT_SECONDS} to ${MAX_PAT_SECONDS} (30 days)`);
  }
  const ceiling = ceilingOf(request.roles, heldRoles);
  const change = request.change;
  if (change !== undefined && (typeof change !== 'number' || !Number.isSafeInteger(change) || change <= 0)) {
    throw bad('change: a Gerrit change number');
  }
  return { name, seconds, ...(ceiling === undefined ? {} : { ceiling }), ...(change === undefined ? {} : { change }) };
}
