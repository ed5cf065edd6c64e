// The development identity provider: a real oidc-provider on loopback. `npm start` runs it when no
// IdP is configured, and the tests use it as the real IdP, so it speaks honest OIDC: discovery,
// JWKS, authorization code + PKCE (S256) with a username form, refresh tokens (offline_access with
// prompt=consent), RP-initiated logout, and client_credentials JWT access tokens (`typ: at+jwt`).
// The users and clients are documented in dev-users.ts.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { Provider } from 'oidc-provider';
import { providerConfiguration, resourceForAudience } from './dev-idp-config.js';
import { DEV_USERS, type DevClient, type DevUser } from './dev-users.js';

export * from './dev-users.js';
export { resourceForAudience } from './dev-idp-config.js';

export interface DevIdpOptions {
  /** Default 0: the OS picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1; loopback addresses only. The issuer is `http://<host>:<port>`. */
  readonly host?: string;
  readonly clients: readonly DevClient[];
  /** Default DEV_USERS. */
  readonly users?: readonly DevUser[];
  /** Private signing JWKs (with kid and alg), first one signs. Default: one fresh RS256 key. */
  readonly keys?: readonly JWK[];
  /** Lifetime of access tokens from browser sign-in. Default 600 s. */
  readonly accessTokenTtlSeconds?: number;
  /** Lifetime of client_credentials JWTs. Default 600 s. */
  readonly clientTokenTtlSeconds?: number;
  /** Sees every request before the IdP does (tests count JWKS fetches with it). */
  readonly onRequest?: (req: IncomingMessage) => void;
}

export interface MintOptions {
  /** Token audience. Default: the client's configured audience (`changegate`). */
  readonly audience?: string;
  /** Space-separated subset of `read write`. */
  readonly scope?: string;
}

export interface DevIdp {
  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly users: readonly DevUser[];
  readonly clients: readonly DevClient[];
  /** A client_credentials JWT access token from the token endpoint, as a machine would get one. */
  mintClientToken(clientId: string, options?: MintOptions): Promise<string>;
  /** Replace the signing keys (first one signs). Rotation: `setKeys([fresh, ...current])`. */
  setKeys(keys: readonly JWK[]): void;
  /**
   * Replace the registered clients, e.g. once the proxy's port (and so its callback URL) is known.
   * Sessions at the IdP survive.
   */
  setClients(clients: readonly DevClient[]): void;
  /** The private keys currently in use (never serve these). */
  readonly keys: readonly JWK[];
  /** Idempotent. */
  close(): Promise<void>;
}

export async function generateSigningKey(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Anyone can sign in as any dev user (admins included) without a password: loopback only. */
function assertLoopback(host: string): void {
  if (!/^(?:127(?:\.\d{1,3}){3}|::1|localhost)$/.test(host)) {
    throw new TypeError(`the development IdP signs anyone in without a password; it listens on loopback only, not ${host}`);
  }
}

export async function startDevIdp(options: DevIdpOptions): Promise<DevIdp> {
  const host = options.host ?? '127.0.0.1';
  assertLoopback(host);
  const users = options.users ?? DEV_USERS;
  let clients = options.clients;
  const settings = {
    users,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 600,
    clientTokenTtlSeconds: options.clientTokenTtlSeconds ?? 600,
  };
  let keys: readonly JWK[] = options.keys ?? [await generateSigningKey('dev-1')];
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  const server = createServer((req, res) => {
    options.onRequest?.(req);
    if (handler === undefined) {
      res.writeHead(503).end();
      return;
    }
    handler(req, res);
  });
  const port = await listen(server, options.port ?? 0, host);
  const issuer = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // A key or client change builds a new Provider behind the same socket; the memory store is
  // module-wide, so sessions and grants survive it.
  const install = (nextKeys: readonly JWK[], nextClients: readonly DevClient[]): void => {
    const provider = new Provider(issuer, providerConfiguration({ ...settings, keys: nextKeys, clients: nextClients }));
    handler = provider.callback();
    keys = nextKeys;
    clients = nextClients;
  };
  install(keys, clients);

  const tokenEndpoint = `${issuer}/token`;
  let closed: Promise<void> | undefined;
  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint,
    users,
    get clients() {
      return clients;
    },
    get keys() {
      return keys;
    },
    setKeys(next) {
      if (next.length === 0) throw new TypeError('the IdP needs at least one signing key');
      install(next, clients);
    },
    setClients(next) {
      install(keys, next);
    },
    mintClientToken: (clientId, mint = {}) => mintClientToken(tokenEndpoint, clients, clientId, mint),
    close: () => (closed ??= closeServer(server)),
  };
}

async function mintClientToken(
  tokenEndpoint: string,
  clients: readonly DevClient[],
  clientId: string,
  mint: MintOptions,
): Promise<string> {
  const client = clients.find((c) => c.clientId === clientId && c.kind === 'machine');
  if (client === undefined) throw new TypeError(`no machine client ${clientId} on the dev IdP`);
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (mint.audience !== undefined) body.set('resource', resourceForAudience(mint.audience));
  if (mint.scope !== undefined) body.set('scope', mint.scope);
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64');
  const res = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const json = (await res.json()) as { access_token?: unknown; error?: unknown; error_description?: unknown };
  if (!res.ok || typeof json.access_token !== 'string') {
    throw new Error(`dev IdP refused a token for ${clientId}: ${String(json.error)} ${String(json.error_description ?? '')}`);
  }
  return json.access_token;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
