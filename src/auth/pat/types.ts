// Personal access tokens: what is stored about one (never the token itself, only its hash) and
// the store interface. The file store is the default; the scale work swaps in a shared store
// (Redis) behind the same interface.

import type { Role } from '../../identity/types.js';

export interface PatOwner {
  readonly sub: string;
  readonly issuer: string;
  readonly username: string;
  readonly email?: string;
  /** Groups at mint time (bounded); roles are recomputed from them with the current role map. */
  readonly groups: readonly string[];
}

export type RevokeReason = 'owner' | 'change_closed';

export interface PatRecord {
  /** Public id, for listing and revoking. Not a secret. */
  readonly id: string;
  readonly name: string;
  /** SHA-256 (hex) of the token. High-entropy tokens need no salt or slow hash. */
  readonly hash: string;
  readonly owner: PatOwner;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Roles the token may use at most; absent means the owner's roles. */
  readonly roleCeiling?: readonly Role[];
  /** Gerrit change number the token is bound to. */
  readonly change?: number;
  readonly lastUsedAt?: number;
  readonly revokedAt?: number;
  readonly revokedReason?: RevokeReason;
}

/** What an owner sees about a token (no hash, no group snapshot). */
export interface PatSummary {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly roles?: readonly Role[];
  readonly change?: number;
  readonly lastUsedAt?: string;
  readonly revokedAt?: string;
  readonly revokedReason?: RevokeReason;
  readonly state: 'active' | 'expired' | 'revoked';
}

export type PatPatch = Partial<Pick<PatRecord, 'lastUsedAt' | 'revokedAt' | 'revokedReason'>>;

export interface TokenStore {
  insert(record: PatRecord): Promise<void>;
  findByHash(hash: string): Promise<PatRecord | undefined>;
  get(id: string): Promise<PatRecord | undefined>;
  listByOwner(sub: string, issuer: string): Promise<PatRecord[]>;
  update(id: string, patch: PatPatch): Promise<PatRecord | undefined>;
  /** Revokes every live token bound to `change`; returns how many. */
  revokeBoundTo(change: number, at: number): Promise<number>;
  close(): Promise<void>;
}
