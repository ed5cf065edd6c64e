// The token string itself. A recognizable prefix (`cgp_`) lets secret scanners and our own
// authenticators spot one; 32 random bytes make guessing hopeless, so a plain SHA-256 is enough
// to store (a slow hash protects low-entropy passwords, which these are not).

import { createHash, randomBytes } from 'node:crypto';

export const PAT_PREFIX = 'cgp_';
const PAT_SHAPE = /^cgp_[A-Za-z0-9_-]{43}$/;

export function generatePat(): { readonly token: string; readonly hash: string; readonly id: string } {
  const token = `${PAT_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashPat(token), id: `pat_${randomBytes(9).toString('base64url')}` };
}

export function hashPat(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function looksLikePat(value: string): boolean {
  return PAT_SHAPE.test(value);
}
