// Minting, listing, revoking and checking personal access tokens, so the page, the JSON API and
// the authenticator cannot disagree. What may be minted is in mint-request.ts. At use, a token
// gets its owner's roles as mapped now (from the groups kept at mint) narrowed by its ceiling,
// and a token bound to a Gerrit change dies when the change is merged or abandoned
// (onChangeClosed).

import { ChangegateError } from '../../errors.js';
import type { OidcIdentity, PatIdentity } from '../../identity/types.js';
import type { Clock, RoleMapper } from '../session/types.js';
import { validateMint } from './mint-request.js';
import type { MintRequest } from './mint-request.js';
import { generatePat, hashPat } from './token.js';
import type { PatOwner, PatRecord, PatSummary, TokenStore } from './types.js';

export { DEFAULT_PAT_SECONDS, MAX_PAT_SECONDS, MIN_PAT_SECONDS } from './mint-request.js';
export type { MintRequest } from './mint-request.js';

export const MAX_LIVE_TOKENS_PER_OWNER = 50;
/** lastUsedAt is written at most this often per token, so git fetch storms do not rewrite the file. */
export const TOUCH_INTERVAL_SECONDS = 60;

export type PatCheck = { readonly ok: true; readonly identity: PatIdentity } | { readonly ok: false; readonly reason: string };

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

export class PatService {
  readonly #store: TokenStore;
  readonly #roles: RoleMapper;
  readonly #clock: Clock;

  constructor(store: TokenStore, roles: RoleMapper, clock: Clock) {
    this.#store = store;
    this.#roles = roles;
    this.#clock = clock;
  }

  get store(): TokenStore {
    return this.#store;
  }

  async mint(owner: OidcIdentity, request: MintRequest): Promise<{ token: string; summary: PatSummary }> {
    const now = this.#clock();
    const { name, seconds, ceiling, change } = validateMint(request, owner.roles);
    const live = (await this.#store.listByOwner(owner.id, owner.issuer)).filter((r) => this.#state(r, now) === 'active');
    if (live.length >= MAX_LIVE_TOKENS_PER_OWNER) throw new ChangegateError('bad_request', `at most ${MAX_LIVE_TOKENS_PER_OWNER} live tokens; revoke some first`);
    const { token, hash, id } = generatePat();
    const ownerRecord: PatOwner = {
      sub: owner.id,
      issuer: owner.issuer,
      username: owner.username,
      groups: [...owner.groups],
      ...(owner.email === undefined ? {} : { email: owner.email }),
    };
    const record: PatRecord = {
      id,
      name,
      hash,
      owner: ownerRecord,
      createdAt: now,
      expiresAt: now + seconds,
      ...(ceiling === undefined ? {} : { roleCeiling: ceiling }),
      ...(change === undefined ? {} : { change }),
    };
    await this.#store.insert(record);
    return { token, summary: this.summary(record) };
  }

  #state(r: PatRecord, now: number): PatSummary['state'] {
    if (r.revokedAt !== undefined) return 'revoked';
    return r.expiresAt <= now ? 'expired' : 'active';
  }

  summary(r: PatRecord): PatSummary {
    return {
      id: r.id,
      name: r.name,
      createdAt: iso(r.createdAt),
      expiresAt: iso(r.expiresAt),
      state: this.#state(r, this.#clock()),
      ...(r.roleCeiling === undefined ? {} : { roles: r.roleCeiling }),
      ...(r.change === undefined ? {} : { change: r.change }),
      ...(r.lastUsedAt === undefined ? {} : { lastUsedAt: iso(r.lastUsedAt) }),
      ...(r.revokedAt === undefined ? {} : { revokedAt: iso(r.revokedAt) }),
      ...(r.revokedReason === undefined ? {} : { revokedReason: r.revokedReason }),
    };
  }

  async list(owner: { id: string; issuer: string }): Promise<PatSummary[]> {
    return (await this.#store.listByOwner(owner.id, owner.issuer)).map((r) => this.summary(r));
  }

  /** Revokes one of the owner's tokens; false when the owner has no such token. */
  async revoke(owner: { id: string; issuer: string }, id: string): Promise<boolean> {
    const r = await this.#store.get(id);
    if (r === undefined || r.owner.sub !== owner.id || r.owner.issuer !== owner.issuer) return false;
    if (r.revokedAt === undefined) await this.#store.update(id, { revokedAt: this.#clock(), revokedReason: 'owner' });
    return true;
  }

  /** The hook the Gerrit gate calls when a change is merged or abandoned. */
  async onChangeClosed(changeNumber: number): Promise<number> {
    return this.#store.revokeBoundTo(changeNumber, this.#clock());
  }

  /** Checks a presented token; `username` is the Basic user name, when one was given. */
  async check(token: string, username?: string): Promise<PatCheck> {
    const now = this.#clock();
    const r = await this.#store.findByHash(hashPat(token));
    if (r === undefined) return { ok: false, reason: 'unknown access token' };
    if (r.revokedAt !== undefined) {
      return { ok: false, reason: r.revokedReason === 'change_closed' ? `access token revoked: change ${r.change} was closed` : 'access token revoked' };
    }
    if (r.expiresAt <= now) return { ok: false, reason: 'access token expired' };
    if (username !== undefined && username !== r.owner.username) {
      return { ok: false, reason: 'access token does not belong to this user name' };
    }
    this.#touch(r, now);
    return { ok: true, identity: this.#identity(r) };
  }

  #touch(r: PatRecord, now: number): void {
    if (r.lastUsedAt !== undefined && now - r.lastUsedAt < TOUCH_INTERVAL_SECONDS) return;
    // Best effort: a failed write must not fail the request it was recorded for.
    this.#store.update(r.id, { lastUsedAt: now }).catch(() => undefined);
  }

  #identity(r: PatRecord): PatIdentity {
    const o = r.owner;
    const held = this.#roles({ id: o.sub, groups: o.groups, human: true, ...(o.email === undefined ? {} : { email: o.email }) });
    const roles = r.roleCeiling === undefined ? [...held] : held.filter((role) => r.roleCeiling?.includes(role));
    return {
      kind: 'authenticated',
      via: 'pat',
      id: o.sub,
      username: o.username,
      ...(o.email === undefined ? {} : { email: o.email }),
      groups: o.groups,
      roles,
      issuer: o.issuer,
      human: true,
      expiresAt: r.expiresAt,
      tokenId: r.id,
      ...(r.change === undefined ? {} : { change: String(r.change) }),
    };
  }
}
