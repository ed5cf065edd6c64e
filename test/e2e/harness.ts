// A whole Changegate on loopback for end-to-end tests: the real development IdP, recording echo
// upstreams for Gerrit and Dagster, and the proxy built from a real config with the repository's
// default policies. Every port is chosen by the OS; every file lives in a temp dir.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import { startChangegate, type ChangegateHandle } from '../../src/main/server.js';
import { packageRoot } from '../../src/util/package-root.js';
import { startEchoUpstream, type EchoUpstream } from '../fakes/echo-upstream.js';
import { startTestIdp, TEST_MACHINE_CLIENT, type TestIdp } from '../fakes/idp.js';

export const ADMIN_CLIENT = { kind: 'machine', clientId: 'deployer', clientSecret: 'deployer-secret', audience: 'changegate' } as const;
export const BROWSER_CLIENT = {
  kind: 'browser',
  clientId: 'changegate',
  clientSecret: 'changegate-e2e-secret',
  redirectUris: ['http://127.0.0.1:8080/.changegate/callback'],
} as const;
export const OPERATOR_CLIENT = { kind: 'machine', clientId: 'scheduler', clientSecret: 'scheduler-secret', audience: 'changegate' } as const;

export interface Harness {
  readonly idp: TestIdp;
  readonly gerrit: EchoUpstream;
  readonly dagster: EchoUpstream;
  readonly proxy: ChangegateHandle;
  readonly config: Config;
  readonly dir: string;
  /** http://127.0.0.1:<ingress port> */
  readonly base: string;
  readonly adminBase: string;
  token(clientId: string): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Merged over the default config input (before schema defaults apply). */
  readonly config?: (base: Record<string, unknown>) => Record<string, unknown>;
  readonly policyPath?: string;
  /** The proxy's logger (default: silent). */
  readonly logger?: Logger;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'changegate-e2e-'));
  const idp = await startTestIdp({ clients: [TEST_MACHINE_CLIENT, ADMIN_CLIENT, OPERATOR_CLIENT, BROWSER_CLIENT] });
  const gerrit = await startEchoUpstream();
  const dagster = await startEchoUpstream();
  const input: Record<string, unknown> = {
    listen: '127.0.0.1:0',
    admin: { listen: '127.0.0.1:0' },
    publicUrl: 'http://127.0.0.1:8080',
    stateDir: join(dir, 'state'),
    upstreams: {
      gerrit: { url: gerrit.url, pathPrefix: '/', timeoutMs: 2000 },
      dagster: { url: dagster.url, pathPrefix: '/dagster', timeoutMs: 2000 },
    },
    identity: {
      bearer: [{ issuer: idp.issuer, audience: 'changegate' }],
      oidc: { issuer: idp.issuer, clientId: BROWSER_CLIENT.clientId, clientSecret: BROWSER_CLIENT.clientSecret },
      roles: {
        reviewer: { groups: ['gerrit-reviewers'] },
        operator: { clients: [OPERATOR_CLIENT.clientId] },
        ci: { clients: [TEST_MACHINE_CLIENT.clientId] },
        admin: { clients: [ADMIN_CLIENT.clientId] },
      },
    },
    policy: { path: options.policyPath ?? join(packageRoot(), 'policies'), watch: false },
    audit: { path: join(dir, 'audit.jsonl') },
    log: { level: 'silent' },
  };
  const config = configSchema.parse(options.config ? options.config(input) : input);
  const proxy = await startChangegate(config, { logger: options.logger ?? createLogger({ level: 'silent' }) });
  const tokens = new Map<string, string>();
  return {
    idp,
    gerrit,
    dagster,
    proxy,
    config,
    dir,
    base: `http://127.0.0.1:${proxy.ingress.port}`,
    adminBase: `http://127.0.0.1:${proxy.admin.port}`,
    async token(clientId) {
      let t = tokens.get(clientId);
      if (t === undefined) {
        t = await idp.mintClientToken(clientId);
        tokens.set(clientId, t);
      }
      return t;
    },
    async close() {
      await proxy.close();
      await Promise.all([gerrit.close(), dagster.close(), idp.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
