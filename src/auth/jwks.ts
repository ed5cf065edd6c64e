// Signing keys per token issuer. Our own small cache around jose's local key set, rather than
// createRemoteJWKSet, for three reasons: the refetch floor also holds when fetches fail (jose's
// cooldown counts only successes, so a burst of unknown kids against a down IdP would refetch on
// every request); the last good keys keep working when a refresh fails (an IdP blip must not
// reject every machine); and the jwks_uri can come from discovery.

import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

export interface IssuerKeysOptions {
  readonly issuer: string;
  /** Default: `jwks_uri` from `${issuer}/.well-known/openid-configuration`. */
  readonly jwksUri?: string;
  /** Per fetch (discovery or keys). Default 5 s. */
  readonly timeoutMs?: number;
  /** Least time between two fetch attempts, successful or not. Default 30 s. */
  readonly refetchFloorMs?: number;
  /** Keys older than this are refreshed on next use (kept if the refresh fails). Default 10 min. */
  readonly maxAgeMs?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/** The issuer's keys could not be obtained at all; not the caller's fault. */
export class KeysUnavailableError extends Error {
  override readonly name = 'KeysUnavailableError';
}

type LocalSet = ReturnType<typeof createLocalJWKSet>;
const MAX_DOCUMENT_BYTES = 512 * 1024;

async function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) throw new KeysUnavailableError(`${url} answered ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_DOCUMENT_BYTES) throw new KeysUnavailableError(`${url} sent more than ${MAX_DOCUMENT_BYTES} bytes`);
  return JSON.parse(text) as unknown;
}

function isKeySet(v: unknown): v is JSONWebKeySet {
  return typeof v === 'object' && v !== null && Array.isArray((v as { keys?: unknown }).keys);
}

export class IssuerKeys {
  readonly issuer: string;
  readonly #timeoutMs: number;
  readonly #floorMs: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #jwksUri: string | undefined;
  #local: LocalSet | undefined;
  #fetchedAt = 0;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #pending: Promise<void> | undefined;
  #lastError: string | undefined;

  constructor(options: IssuerKeysOptions) {
    this.issuer = options.issuer;
    this.#jwksUri = options.jwksUri;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#floorMs = options.refetchFloorMs ?? 30_000;
    this.#maxAgeMs = options.maxAgeMs ?? 600_000;
    this.#now = options.now ?? Date.now;
  }

  /** For jose's jwtVerify. Throws JWKSNoMatchingKey for an unknown kid, KeysUnavailableError if no keys. */
  readonly resolve: JWTVerifyGetKey = async (header, token) => {
    const local = await this.#current();
    try {
      return await local(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || !this.#mayFetch()) throw err;
      await this.#refresh().catch(() => undefined);
      return (this.#local ?? local)(header, token);
    }
  };

  async #current(): Promise<LocalSet> {
    const stale = this.#now() - this.#fetchedAt > this.#maxAgeMs;
    if ((this.#local === undefined || stale) && this.#mayFetch()) {
      // A stale set is still better than none when the refresh fails.
      await this.#refresh().catch((err: unknown) => {
        if (this.#local === undefined) throw err;
      });
    }
    if (this.#local === undefined) {
      throw new KeysUnavailableError(this.#lastError ?? `no signing keys for ${this.issuer} yet`);
    }
    return this.#local;
  }

  #mayFetch(): boolean {
    return this.#pending !== undefined || this.#now() - this.#attemptedAt >= this.#floorMs;
  }

  #refresh(): Promise<void> {
    // Concurrent callers share one fetch; the floor starts when the attempt does.
    this.#pending ??= this.#load().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #load(): Promise<void> {
    this.#attemptedAt = this.#now();
    try {
      const uri = this.#jwksUri ?? (await this.#discover());
      const doc = await fetchJson(uri, this.#timeoutMs);
      if (!isKeySet(doc)) throw new KeysUnavailableError(`${uri} is not a JSON Web Key Set`);
      this.#local = createLocalJWKSet(doc);
      this.#fetchedAt = this.#now();
      this.#lastError = undefined;
    } catch (err) {
      this.#lastError = `could not fetch signing keys for ${this.issuer}: ${err instanceof Error ? err.message : String(err)}`;
      throw new KeysUnavailableError(this.#lastError);
    }
  }

  async #discover(): Promise<string> {
    const doc = await fetchJson(`${this.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, this.#timeoutMs);
    const meta = (typeof doc === 'object' && doc !== null ? doc : {}) as { issuer?: unknown; jwks_uri?: unknown };
    // OIDC Discovery 4.3: the document must name the issuer we asked about.
    if (meta.issuer !== this.issuer) throw new KeysUnavailableError(`discovery names issuer ${String(meta.issuer)}`);
    if (typeof meta.jwks_uri !== 'string' || !/^https?:\/\//.test(meta.jwks_uri)) {
      throw new KeysUnavailableError('discovery has no http(s) jwks_uri');
    }
    this.#jwksUri = meta.jwks_uri;
    return meta.jwks_uri;
  }
}
