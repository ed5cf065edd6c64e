// CSRF tokens for the proxy's own forms and API (logout, tokens). Session-bound HMAC: the token is
// HMAC(csrf key, session id), so it needs no storage and no extra cookie (per-request CSRF cookies
// pile up into 431s, oauth2-proxy#2163), dies with the session, and one user's token is useless
// in another's session. Every configured key verifies, so rotation does not break open forms.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SessionKeyring } from './session/keys.js';

export const CSRF_FIELD = 'csrf';
export const CSRF_HEADER = 'x-changegate-csrf';

function mac(key: Uint8Array, sessionId: string): Buffer {
  return createHmac('sha256', key).update(`changegate-csrf:${sessionId}`).digest();
}

export function csrfToken(keyring: SessionKeyring, sessionId: string): string {
  const key = keyring.csrfKeys[0];
  if (key === undefined) throw new TypeError('keyring has no CSRF key');
  return mac(key, sessionId).toString('base64url');
}

export function verifyCsrf(keyring: SessionKeyring, sessionId: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 128) return false;
  const given = Buffer.from(presented, 'base64url');
  return keyring.csrfKeys.some((key) => {
    const want = mac(key, sessionId);
    return given.length === want.length && timingSafeEqual(given, want);
  });
}
