// Sealing small JSON documents into browser cookies: jose JWE with `dir` + A256GCM, so the
// browser can neither read nor alter them. The audience separates purposes: a sign-in
// transaction cookie can never be presented as a session, even though both use the same keys.

import { EncryptJWT, jwtDecrypt, errors as joseErrors } from 'jose';
import type { JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import type { SessionKeyring } from './keys.js';

/** Seconds of clock skew allowed on `exp`. */
const CLOCK_TOLERANCE = 5;

/**
 * Cookies already opened, per keyring: a browser sends the same session cookie with every
 * request, and AES-GCM through WebCrypto (a key import and a thread-pool job each time) was the
 * largest cost of a cookie-authenticated request. A ciphertext never changes meaning, so only
 * the expiry is checked again on a hit.
 */
const opened = new WeakMap<SessionKeyring, LRUCache<string, JWTPayload>>();

function openedFor(keyring: SessionKeyring): LRUCache<string, JWTPayload> {
  let cache = opened.get(keyring);
  if (cache === undefined) {
    cache = new LRUCache({ max: 10_000 });
    opened.set(keyring, cache);
  }
  return cache;
}

export type SealPurpose = 'changegate-session' | 'changegate-signin';

export type UnsealResult<T> =
  | { readonly ok: true; readonly payload: T & JWTPayload }
  | { readonly ok: false; readonly reason: 'expired' | 'unknown_key' | 'invalid' };

/** Seals `payload`; it stops unsealing at `expiresAt` (seconds since the epoch). */
export async function seal(
  keyring: SessionKeyring,
  purpose: SealPurpose,
  payload: Record<string, unknown>,
  expiresAt: number,
): Promise<string> {
  return new EncryptJWT(payload)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: keyring.current.kid })
    .setAudience(purpose)
    .setExpirationTime(expiresAt)
    .encrypt(keyring.current.key);
}

/** Opens a sealed value. Any failure is a reason, never an exception: cookies are attacker input. */
export async function unseal<T>(
  keyring: SessionKeyring,
  purpose: SealPurpose,
  sealed: string,
  now: number = Math.floor(Date.now() / 1000),
): Promise<UnsealResult<T>> {
  const cacheKey = `${purpose} ${sealed}`;
  const hit = openedFor(keyring).get(cacheKey);
  if (hit !== undefined) {
    return typeof hit.exp === 'number' && hit.exp + CLOCK_TOLERANCE <= now ? { ok: false, reason: 'expired' } : { ok: true, payload: hit as T & JWTPayload };
  }
  let unknownKey = false;
  try {
    const { payload } = await jwtDecrypt(
      sealed,
      (header) => {
        const found = keyring.all.find((k) => k.kid === header.kid);
        if (found === undefined) {
          unknownKey = true;
          throw new Error('unknown key id');
        }
        return found.key;
      },
      { audience: purpose, keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'], clockTolerance: CLOCK_TOLERANCE, currentDate: new Date(now * 1000) },
    );
    openedFor(keyring).set(cacheKey, Object.freeze(payload));
    return { ok: true, payload: payload as T & JWTPayload };
  } catch (e) {
    if (unknownKey) return { ok: false, reason: 'unknown_key' };
    if (e instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'invalid' };
  }
}
