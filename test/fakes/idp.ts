// The real development IdP plus what tests need around it: known signing keys (to forge tokens
// the IdP could have signed, or could not), a JWKS fetch counter, and a headless sign-in that
// walks the IdP's own login and consent forms with fetch.

import type { IncomingMessage } from 'node:http';
import { importJWK, SignJWT, type JWK, type JWTPayload, type JWTHeaderParameters } from 'jose';
import {
  DEV_MACHINE_CLIENT_ID,
  DEV_MACHINE_CLIENT_SECRET,
  generateSigningKey,
  startDevIdp,
  type DevClient,
  type DevIdp,
  type DevIdpOptions,
} from '../../src/identity/dev-idp.js';

export * from '../../src/identity/dev-idp.js';

export interface TestIdp extends DevIdp {
  /** How many times the JWKS document has been fetched. */
  jwksFetches(): number;
  /** Sign a JWT with one of the IdP's keys (default the current signer), or any key given. */
  sign(payload: JWTPayload, options?: { key?: JWK; header?: Partial<JWTHeaderParameters> }): Promise<string>;
}

export const TEST_MACHINE_CLIENT: DevClient = {
  kind: 'machine',
  clientId: DEV_MACHINE_CLIENT_ID,
  clientSecret: DEV_MACHINE_CLIENT_SECRET,
  audience: 'changegate',
};

export async function startTestIdp(options: Partial<DevIdpOptions> = {}): Promise<TestIdp> {
  let fetches = 0;
  const onRequest = (req: IncomingMessage): void => {
    if ((req.url ?? '').split('?')[0] === '/jwks') fetches += 1;
    options.onRequest?.(req);
  };
  const keys = options.keys ?? [await generateSigningKey('test-1')];
  const idp = await startDevIdp({ clients: [TEST_MACHINE_CLIENT], ...options, keys, onRequest });
  const sign: TestIdp['sign'] = async (payload, opts = {}) => {
    const jwk = opts.key ?? idp.keys[0];
    if (jwk === undefined) throw new TypeError('no signing key');
    const alg = String(jwk.alg ?? 'RS256');
    return new SignJWT(payload)
      .setProtectedHeader({ alg, typ: 'at+jwt', ...(jwk.kid === undefined ? {} : { kid: jwk.kid }), ...opts.header })
      .sign(await importJWK(jwk, alg));
  };
  return {
    issuer: idp.issuer,
    discoveryUrl: idp.discoveryUrl,
    jwksUri: idp.jwksUri,
    tokenEndpoint: idp.tokenEndpoint,
    users: idp.users,
    get clients() {
      return idp.clients;
    },
    get keys() {
      return idp.keys;
    },
    setKeys: (next) => idp.setKeys(next),
    setClients: (next) => idp.setClients(next),
    mintClientToken: (clientId, mint) => idp.mintClientToken(clientId, mint),
    close: () => idp.close(),
    jwksFetches: () => fetches,
    sign,
  };
}

/** A unix time `offset` seconds from now. */
export function nowPlus(offset: number): number {
  return Math.floor(Date.now() / 1000) + offset;
}

/** A tiny cookie jar keyed by cookie name; enough for one loopback host. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Follows an authorization URL through the IdP's login and consent forms as `username` would,
 * and returns the final redirect (the client's callback URL with code and state). Bounded: at
 * most 12 hops.
 */
export async function headlessSignIn(authorizationUrl: string, username: string, jar = new CookieJar()): Promise<URL> {
  let url = new URL(authorizationUrl);
  const origin = url.origin;
  for (let hop = 0; hop < 12; hop += 1) {
    if (url.origin !== origin) return url;
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(res);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location') ?? '', url);
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`IdP answered ${res.status} at ${url.pathname}`);
    const form = submitFormFor(html, username);
    const post = await fetch(new URL(url.pathname, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    jar.store(post);
    url = new URL(post.headers.get('location') ?? '', url);
  }
  throw new Error('sign-in did not finish within 12 hops');
}

function submitFormFor(html: string, username: string): URLSearchParams {
  if (/name="prompt" value="login"/.test(html)) {
    return new URLSearchParams({ prompt: 'login', login: username, password: 'any' });
  }
  if (/name="prompt" value="consent"/.test(html)) return new URLSearchParams({ prompt: 'consent' });
  throw new Error('unexpected IdP page: neither login nor consent form');
}
