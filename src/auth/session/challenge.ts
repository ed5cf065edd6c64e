// What an unauthenticated request gets. A person in a browser is sent to sign in and lands back
// where they started; API clients, scripts and git get 401 with a challenge (git only sends
// credentials after a Basic challenge). Any cookies of ours are deleted either way, so a dead
// session is asked about once, not on every request.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChangegateError } from '../../errors.js';
import { sendJson } from '../../http/respond.js';
import type { NormalizedTarget } from '../../http/types.js';
import { safeReturnPath } from '../redirect.js';
import { clearOwnCookies, parseCookieHeader } from './cookies.js';

export const LOGIN_PATH = '/.changegate/login';
const CHALLENGE = 'Basic realm="changegate", Bearer realm="changegate"';

/** A top-level page load: GET/HEAD that accepts HTML and is not a script's fetch. */
export function isBrowserNavigation(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (!/\btext\/html\b/i.test(req.headers.accept ?? '')) return false;
  const mode = req.headers['sec-fetch-mode'];
  if (typeof mode === 'string' && mode !== 'navigate' && mode !== 'nested-navigate') return false;
  return req.headers['x-requested-with'] === undefined;
}

export function signInLocation(target: NormalizedTarget): string {
  const rd = safeReturnPath(target.query === '' ? target.path : `${target.path}?${target.query}`);
  return `${LOGIN_PATH}?rd=${encodeURIComponent(rd)}`;
}

export interface ChallengeOptions {
  readonly target: NormalizedTarget;
  readonly requestId: string;
  /** Cookies are `__Host-`/Secure (publicUrl is https). */
  readonly secure: boolean;
  /** Why, when a credential was presented and refused. */
  readonly error?: ChangegateError;
}

/** Answers a request that has no acceptable identity: a redirect to sign in, or 401 JSON. */
export function respondUnauthenticated(req: IncomingMessage, res: ServerResponse, options: ChallengeOptions): void {
  const clears = clearOwnCookies(parseCookieHeader(req.headers.cookie), options.secure);
  if (clears.length > 0) res.appendHeader('set-cookie', clears);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-request-id', options.requestId);
  if (isBrowserNavigation(req)) {
    const location = signInLocation(options.target);
    res.writeHead(302, { location, 'content-type': 'text/plain; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : `Sign in at ${location}\n`);
    return;
  }
  const error = options.error ?? new ChangegateError('unauthenticated', 'sign in, or send a bearer token or access token');
  sendJson(res, error.status, { ...error.toBody(options.requestId), signIn: signInLocation(options.target) }, { 'www-authenticate': CHALLENGE, ...error.headers });
}
