// The sign-in transaction: state, nonce, PKCE verifier and return path, sealed into a short-lived
// cookie between /login and /callback. Keeping it in the browser that started sign-in binds the
// callback to that browser: a code and state lifted into another browser find no transaction.
// One cookie, not one per attempt: per-attempt cookies pile up into 431s (oauth2-proxy#2163).

import { seal, unseal } from '../session/seal.js';
import type { SessionKeyring } from '../session/keys.js';
import { clearCookie, cookieNames, cookieValue, serializeCookie } from '../session/cookies.js';
import type { CookiePair } from '../session/cookies.js';
import type { AuthorizationChecks } from './client.js';

export const SIGNIN_TTL_SECONDS = 600;

export interface SigninTransaction extends AuthorizationChecks {
  /** Same-origin path to land on afterwards (already checked by safeReturnPath). */
  readonly returnTo: string;
}

export type OpenedTransaction =
  | { readonly ok: true; readonly tx: SigninTransaction }
  | { readonly ok: false; readonly reason: 'missing' | 'expired' | 'invalid' };

export async function transactionCookie(keyring: SessionKeyring, tx: SigninTransaction, secure: boolean, now: number): Promise<string> {
  const sealed = await seal(
    keyring,
    'changegate-signin',
    { s: tx.state, n: tx.nonce, v: tx.codeVerifier, rd: tx.returnTo },
    now + SIGNIN_TTL_SECONDS,
  );
  return serializeCookie(cookieNames(secure).signin, sealed, { secure, maxAge: SIGNIN_TTL_SECONDS });
}

export function clearTransactionCookie(secure: boolean): string {
  return clearCookie(cookieNames(secure).signin, secure);
}

interface SealedTx {
  readonly s?: unknown;
  readonly n?: unknown;
  readonly v?: unknown;
  readonly rd?: unknown;
}

export async function openTransaction(
  keyring: SessionKeyring,
  sent: readonly CookiePair[],
  secure: boolean,
  now: number,
): Promise<OpenedTransaction> {
  const sealed = cookieValue(sent, cookieNames(secure).signin);
  if (sealed === undefined || sealed === '') return { ok: false, reason: 'missing' };
  const opened = await unseal<SealedTx>(keyring, 'changegate-signin', sealed, now);
  if (!opened.ok) return { ok: false, reason: opened.reason === 'expired' ? 'expired' : 'invalid' };
  const { s, n, v, rd } = opened.payload;
  if (typeof s !== 'string' || typeof n !== 'string' || typeof v !== 'string' || typeof rd !== 'string') {
    return { ok: false, reason: 'invalid' };
  }
  return { ok: true, tx: { state: s, nonce: n, codeVerifier: v, returnTo: rd } };
}
