// `Authorization: Bearer <JWT>` for machines and CI, against the configured `identity.bearer`
// issuers. The unverified `iss` only picks which issuer's keys and rules to use; everything is
// then verified by jose: a pinned list of asymmetric algorithms (never `none`, never HS*), iss,
// aud, exp (required) and nbf with 60 s skew, and a token type that is not something else's JWT.
// Bearer values that are not JWTs (PATs such as `cgp_…`) are `absent` here, for the PAT
// authenticator. The token itself is never logged, echoed, or attached to an error.
// A verified token is remembered by its SHA-256 for up to a minute (never past exp), so a client
// reusing its token costs one signature check a minute; the cost is that a key the IdP withdraws
// keeps working for that minute.

import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { ChangegateError } from '../errors.js';
import type { Config, BearerIssuerConfig } from '../config/schema.js';
import { bearerIdentityFromClaims } from '../identity/claims.js';
import type { BearerIdentity } from '../identity/types.js';
import { IssuerKeys, KeysUnavailableError, type IssuerKeysOptions } from './jwks.js';
import type { AuthRequest, AuthResult, Authenticator } from './types.js';

export const CLOCK_SKEW_SECONDS = 60;
/** `typ` values of access tokens (RFC 9068) and of IdPs that label them plainly. */
const ACCEPTED_TYP = new Set(['at+jwt', 'application/at+jwt', 'jwt', 'application/jwt']);
const MAX_TOKEN_LENGTH = 16 * 1024;
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface BearerOptions extends Omit<IssuerKeysOptions, 'issuer' | 'jwksUri'> {
  /** Verified tokens remembered (by hash), so a busy client costs one signature check a minute. 0 disables. Default 10 000. */
  readonly cacheSize?: number;
  /** How long a verified token is trusted without checking again (never past its exp). Default 60 s. */
  readonly cacheTtlMs?: number;
}

/** What verifying a JWT can say: never `absent`, since a JWT was presented. */
export type BearerResult =
  | { readonly kind: 'authenticated'; readonly identity: BearerIdentity }
  | Extract<AuthResult, { kind: 'rejected' }>;

interface Verified {
  readonly identity: BearerIdentity;
  readonly until: number;
}

interface IssuerEntry {
  readonly config: BearerIssuerConfig;
  readonly keys: IssuerKeys;
}

/** The token of an `Authorization: Bearer` header, or undefined. */
export function bearerToken(req: AuthRequest['req']): string | undefined {
  const h = req.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer[ \t]+([^ \t]+)[ \t]*$/i.exec(h);
  return m?.[1];
}

/** True when the value is shaped like a signed JWT whose header names an algorithm. */
export function looksLikeJwt(token: string): boolean {
  if (token.length > MAX_TOKEN_LENGTH || !JWS_COMPACT.test(token)) return false;
  try {
    return typeof decodeProtectedHeader(token).alg === 'string';
  } catch {
    return false;
  }
}

export class BearerAuthenticator implements Authenticator {
  readonly name = 'bearer';
  readonly #issuers: ReadonlyMap<string, IssuerEntry>;
  readonly #identity: Config['identity'];
  readonly #verified: LRUCache<string, Verified> | undefined;
  readonly #cacheTtlMs: number;

  constructor(identity: Config['identity'], options: BearerOptions = {}) {
    const { cacheSize = 10_000, cacheTtlMs = 60_000, ...keyOptions } = options;
    this.#identity = identity;
    this.#verified = cacheSize > 0 ? new LRUCache({ max: cacheSize }) : undefined;
    this.#cacheTtlMs = cacheTtlMs;
    const issuers = new Map<string, IssuerEntry>();
    for (const config of identity.bearer) {
      // Several entries for one issuer would be ambiguous; the first one wins.
      if (issuers.has(config.issuer)) continue;
      const keys = new IssuerKeys({ ...keyOptions, issuer: config.issuer, ...(config.jwksUri ? { jwksUri: config.jwksUri } : {}) });
      issuers.set(config.issuer, { config, keys });
    }
    this.#issuers = issuers;
  }

  async authenticate(request: AuthRequest): Promise<AuthResult> {
    const token = bearerToken(request.req);
    if (token === undefined) return { kind: 'absent' };
    if (this.#verified === undefined) return looksLikeJwt(token) ? this.verify(token) : { kind: 'absent' };
    // A hash, so the cache does not keep bearer tokens in memory. Only verified JWTs get in, so
    // a hit needs no further look at the token.
    const key = hash('sha256', token, 'base64url');
    const hit = this.#verified.get(key);
    if (hit !== undefined && Date.now() < hit.until) return { kind: 'authenticated', identity: hit.identity };
    if (!looksLikeJwt(token)) return { kind: 'absent' };
    const result = await this.verify(token);
    if (result.kind === 'authenticated') {
      const expMs = ((result.identity.expiresAt ?? 0) + CLOCK_SKEW_SECONDS) * 1000;
      this.#verified.set(key, { identity: result.identity, until: Math.min(expMs, Date.now() + this.#cacheTtlMs) });
    }
    return result;
  }

  /** Verifies a JWT bearer token (exposed for tests and for callers holding a token already). */
  async verify(token: string): Promise<BearerResult> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      return reject('the bearer token is not a well-formed JWT');
    }
    const entry = typeof unverified.iss === 'string' ? this.#issuers.get(unverified.iss) : undefined;
    if (entry === undefined) return reject('the bearer token was not issued by an issuer Changegate trusts');

    let payload: JWTPayload;
    try {
      const result = await jwtVerify(token, entry.keys.resolve, {
        issuer: entry.config.issuer,
        audience: entry.config.audience,
        algorithms: entry.config.algorithms,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp', 'sub'],
      });
      const typ = result.protectedHeader.typ;
      if (typ !== undefined && !ACCEPTED_TYP.has(typ.toLowerCase())) {
        return reject(`the token's type (typ) is ${JSON.stringify(typ.slice(0, 40))}, not an access token`);
      }
      payload = result.payload;
    } catch (err) {
      const unavailable = keysUnavailable(err, entry.config.issuer);
      if (unavailable !== undefined) return { kind: 'rejected', error: unavailable };
      return reject(describeVerifyError(err, entry.config));
    }

    const claims = bearerIdentityFromClaims(payload, {
      issuer: entry.config.issuer,
      usernameClaim: entry.config.usernameClaim,
      groupsClaim: this.#identity.groupsClaim,
      roles: this.#identity.roles,
    });
    if (!claims.ok) return reject(claims.reason);
    return { kind: 'authenticated', identity: claims.identity };
  }
}

function reject(reason: string): BearerResult {
  return { kind: 'rejected', error: invalidToken(reason) };
}

/** A 401 whose WWW-Authenticate carries the reason (RFC 6750 section 3). */
export function invalidToken(reason: string): ChangegateError {
  const description = reason.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
  return new ChangegateError('unauthenticated', reason, {
    headers: { 'WWW-Authenticate': `Bearer realm="changegate", error="invalid_token", error_description="${description}"` },
  });
}

/** When the issuer's keys can't be had, the caller did nothing wrong: 502, and try again. */
function keysUnavailable(err: unknown, issuer: string): ChangegateError | undefined {
  if (!(err instanceof KeysUnavailableError)) return undefined;
  return new ChangegateError('identity_unavailable', `the signing keys of token issuer ${issuer} could not be fetched; try again shortly`);
}

function describeVerifyError(err: unknown, config: BearerIssuerConfig): string {
  if (err instanceof errors.JWTExpired) return 'the bearer token has expired; get a new one from its issuer';
  if (err instanceof errors.JWTClaimValidationFailed) return describeClaimError(err, config);
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return `the bearer token's signing algorithm is not accepted; this issuer's tokens must be signed with ${config.algorithms.join(', ')}`;
  }
  if (err instanceof errors.JWKSNoMatchingKey) {
    return "the bearer token is signed with a key its issuer does not publish (unknown kid); get a new token";
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return "the bearer token's signature does not verify";
  return 'the bearer token is not a valid signed JWT';
}

function describeClaimError(err: InstanceType<typeof errors.JWTClaimValidationFailed>, config: BearerIssuerConfig): string {
  const audiences = Array.isArray(config.audience) ? config.audience.join(', ') : config.audience;
  if (err.reason === 'missing') return `the bearer token has no ${err.claim} claim, which Changegate requires`;
  switch (err.claim) {
    case 'aud':
      return `the bearer token is for another audience; request one for ${audiences}`;
    case 'nbf':
      return 'the bearer token is not valid yet (nbf is in the future); check the clock where it was minted';
    case 'iss':
      return 'the bearer token names a different issuer than the one whose keys signed it';
    case 'iat':
      return 'the bearer token was issued in the future; check the clock where it was minted';
    default:
      return `the bearer token's ${err.claim} claim is invalid`;
  }
}
