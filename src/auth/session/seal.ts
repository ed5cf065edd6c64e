// Sealing small JSON documents into browser cookies: jose JWE with `dir` + A256GCM, so the
// browser can neither read nor alter them. The audience separates purposes: a sign-in
// transaction cookie can never be presented as a session, even though both use the same keys.

import { EncryptJWT, jwtDecrypt, errors as joseErrors } from 'jose';
import type { JWTPayload } from 'jose';
import type { SessionKeyring } from './keys.js';

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
      { audience: purpose, keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'], clockTolerance: 5, currentDate: new Date(now * 1000) },
    );
    return { ok: true, payload: payload as T & JWTPayload };
  } catch (e) {
    if (unknownKey) return { ok: false, reason: 'unknown_key' };
    if (e instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'invalid' };
  }
}
