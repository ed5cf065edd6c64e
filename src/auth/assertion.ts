// X-Changegate-Assertion: a short-lived ES256 JWT of who made the request and what roles they
// hold, so an upstream can check that a request came through Changegate (compare IAP's
// x-goog-iap-jwt-assertion). The public key is served at /.changegate/jwks.json.
//
// Signing is on the hot path, so an assertion is reused for the same identity and audience until
// `marginSeconds` before it expires. `jti` is the id of the request that minted it; every request
// still carries its own X-Request-Id.

import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { AuthenticatedIdentity } from '../identity/types.js';
import { boundGroupsBySize } from '../identity/groups.js';
import { loadedKey, type AssertionKey } from '../identity/assertion-key.js';

export { assertionJwks, loadAssertionKey, type AssertionKey, type LoadedAssertionKey } from '../identity/assertion-key.js';

export const ASSERTION_HEADER = 'X-Changegate-Assertion';

export interface AssertionOptions {
  readonly key: AssertionKey;
  /** `iss` of assertions: Changegate's publicUrl. */
  readonly issuer: string;
  /** Default 60 s. */
  readonly ttlSeconds?: number;
  /** Reuse an assertion until this long before its expiry. Default 15 s. */
  readonly marginSeconds?: number;
  /** Identities x audiences remembered. 0 disables reuse (every request signs). Default 10 000. */
  readonly cacheSize?: number;
  readonly maxGroups?: number;
  readonly maxGroupChars?: number;
  readonly now?: () => number;
}

interface Cached {
  readonly token: string;
  readonly reuseUntil: number;
}

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Everything the assertion says about a subject: equal keys sign equal claims. */
function cacheKey(id: AuthenticatedIdentity, groups: readonly string[], audience: string): string {
  const fields = [audience, id.via, id.issuer, id.id, id.username, id.email ?? '', id.human ? 'h' : 'm', id.expiresAt ?? ''];
  return `${fields.join('\u0001')}\u0001${id.roles.join(',')}\u0001${groups.join('\u0000')}`;
}

export class AssertionSigner {
  readonly #key: KeyObject;
  readonly #header: string;
  readonly #issuer: string;
  readonly #ttl: number;
  readonly #margin: number;
  readonly #maxGroups: number;
  readonly #maxGroupChars: number;
  readonly #now: () => number;
  readonly #cache: LRUCache<string, Cached> | undefined;
  // Fast path for callers that hand over the same identity object again (cached sessions and
  // tokens): no key to build at all.
  readonly #byObject = new WeakMap<AuthenticatedIdentity, Map<string, Cached>>();

  constructor(options: AssertionOptions) {
    this.#key = loadedKey(options.key);
    this.#header = b64json({ alg: 'ES256', typ: 'JWT', kid: options.key.kid });
    this.#issuer = options.issuer;
    this.#ttl = options.ttlSeconds ?? 60;
    this.#margin = options.marginSeconds ?? 15;
    this.#maxGroups = options.maxGroups ?? 64;
    this.#maxGroupChars = options.maxGroupChars ?? 2048;
    this.#now = options.now ?? Date.now;
    const size = options.cacheSize ?? 10_000;
    this.#cache = size > 0 ? new LRUCache<string, Cached>({ max: size }) : undefined;
  }

  /** The assertion for this identity, sent to the upstream named `audience`. */
  assertionFor(identity: AuthenticatedIdentity, audience: string, requestId: string): string {
    const nowS = Math.floor(this.#now() / 1000);
    if (this.#cache === undefined) return this.#sign(identity, this.#groups(identity), audience, requestId, nowS, this.#expiry(identity, nowS));
    const same = this.#byObject.get(identity)?.get(audience);
    if (same !== undefined && nowS < same.reuseUntil) return same.token;

    const groups = this.#groups(identity);
    const key = cacheKey(identity, groups, audience);
    let entry = this.#cache.get(key);
    if (entry === undefined || nowS >= entry.reuseUntil) {
      const exp = this.#expiry(identity, nowS);
      entry = { token: this.#sign(identity, groups, audience, requestId, nowS, exp), reuseUntil: exp - this.#margin };
      this.#cache.set(key, entry);
    }
    let perObject = this.#byObject.get(identity);
    if (perObject === undefined) this.#byObject.set(identity, (perObject = new Map()));
    perObject.set(audience, entry);
    return entry.token;
  }

  /** Never outlive the credential that vouched for the subject. */
  #expiry(identity: AuthenticatedIdentity, nowS: number): number {
    return Math.min(nowS + this.#ttl, identity.expiresAt ?? Number.POSITIVE_INFINITY);
  }

  #groups(identity: AuthenticatedIdentity): string[] {
    return boundGroupsBySize(identity.groups, this.#maxGroups, this.#maxGroupChars);
  }

  #sign(id: AuthenticatedIdentity, groups: string[], audience: string, requestId: string, iat: number, exp: number): string {
    const claims = {
      iss: this.#issuer,
      aud: audience,
      sub: id.id,
      iat,
      exp,
      jti: requestId,
      via: id.via,
      idp: id.issuer,
      human: id.human,
      username: id.username,
      ...(id.email === undefined ? {} : { email: id.email }),
      groups,
      roles: id.roles,
    };
    const input = `${this.#header}.${b64json(claims)}`;
    const signature = cryptoSign('sha256', Buffer.from(input), { key: this.#key, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }
}
