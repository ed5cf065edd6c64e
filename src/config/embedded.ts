// The embedded default: what `npm start` runs with no config file. Everything on loopback: the
// proxy on :8080, the admin listener on :9901, the development identity provider (a real
// oidc-provider with the documented dev users, src/identity/dev-users.ts) on :8090, the default
// policies of this package, and upstreams where a local Gerrit (:8081) and Dagster (:3000, run
// with --path-prefix /dagster) would listen. Never for production: the IdP takes any password.

import { join } from 'node:path';
import { defaultDevClients, devIdentityConfig, startDevIdp } from '../identity/dev-idp.js';
import { packageRoot } from '../util/package-root.js';
import { configSchema, type Config } from './schema.js';

export const EMBEDDED_PORTS = { ingress: 8080, admin: 9901, idp: 8090, gerrit: 8081, dagster: 3000 } as const;

export interface EmbeddedOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Adds to the raw config before it is parsed (the demo's branch deployments and Gerrit service account). */
  readonly extend?: (raw: Record<string, unknown>) => Record<string, unknown>;
}

export interface Embedded {
  readonly config: Config;
  /** Stops the development IdP; call after the proxy has closed. */
  close(): Promise<void>;
}

export async function loadEmbeddedConfig(options: EmbeddedOptions): Promise<Embedded> {
  const publicUrl = `http://127.0.0.1:${EMBEDDED_PORTS.ingress}`;
  const idp = await startDevIdp({ port: EMBEDDED_PORTS.idp, clients: defaultDevClients(publicUrl) });
  process.stderr.write(
    `changegate: no config file, running the embedded development default\n` +
      `changegate: development identity provider at ${idp.issuer}\n` +
      `changegate: sign in at ${publicUrl}/.changegate/login as alice (admin), bob (reviewer), carol (operator) or dave (viewer), any password\n`,
  );
  const raw: Record<string, unknown> = {
    listen: `127.0.0.1:${EMBEDDED_PORTS.ingress}`,
    admin: { listen: `127.0.0.1:${EMBEDDED_PORTS.admin}` },
    publicUrl,
    stateDir: join(options.cwd, 'var'),
    upstreams: {
      gerrit: { url: `http://127.0.0.1:${EMBEDDED_PORTS.gerrit}`, pathPrefix: '/' },
      dagster: { url: `http://127.0.0.1:${EMBEDDED_PORTS.dagster}`, pathPrefix: '/dagster' },
    },
    identity: devIdentityConfig(idp.issuer),
    policy: { path: join(packageRoot(), 'policies') },
    audit: { path: join(options.cwd, 'var', 'audit.jsonl') },
  };
  let config: Config;
  try {
    config = configSchema.parse(options.extend === undefined ? raw : options.extend(raw));
  } catch (e) {
    await idp.close();
    throw e;
  }
  return { config, close: () => idp.close() };
}
