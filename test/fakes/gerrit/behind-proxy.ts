// The Gerrit stand-in behind a whole Changegate: the dev IdP, the stand-in as the Gerrit upstream,
// and the proxy from a real config (ports 0, temp state and audit, the repository's policies).
// PATs are minted the way the token API does (PatService over the same token file), so tests
// need no browser; the proxy's file store picks new and revoked tokens up from the file.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileTokenStore } from '../../../src/auth/pat/file-store.js';
import { PatService } from '../../../src/auth/pat/service.js';
import { roleMapper } from '../../../src/auth/session/roles.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { DEV_USERS } from '../../../src/identity/dev-users.js';
import type { OidcIdentity } from '../../../src/identity/types.js';
import { createLogger } from '../../../src/observability/logger.js';
import { startChangegate, type ChangegateHandle } from '../../../src/main/server.js';
import { packageRoot } from '../../../src/util/package-root.js';
import { auditRecords } from '../audit-records.js';
import { startTestIdp, type TestIdp } from '../idp.js';
import { untilProxySeesToken } from '../poll.js';
import { startFakeGerrit, type FakeGerrit } from './index.js';

export interface MintedPat {
  readonly token: string;
  readonly id: string;
}

export interface GerritBehindProxy {
  readonly idp: TestIdp;
  readonly gerrit: FakeGerrit;
  readonly proxy: ChangegateHandle;
  readonly config: Config;
  /** http://127.0.0.1:<ingress port> */
  readonly base: string;
  /** http://127.0.0.1:<admin port> (metrics, health, the Gerrit webhook endpoint) */
  readonly adminBase: string;
  /** Mints a PAT for a dev user; `ageSeconds` back-dates it (to make expired ones). */
  mint(username: string, options?: { expiresInSeconds?: number; ageSeconds?: number; roles?: string[]; change?: number }): Promise<MintedPat>;
  revoke(username: string, id: string): Promise<void>;
  /** The audit log's records so far. */
  audit(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface BehindProxyOptions {
  readonly projects?: readonly string[];
  /** Give the proxy a Gerrit service account (submit and review decisions need one). */
  readonly serviceAccount?: boolean;
  /** upstreams.gerrit.webhooks */
  readonly webhooks?: { readonly secret?: string; readonly allow?: readonly string[] };
  /** Adds to the proxy's config before it is parsed (a Dagster upstream, deployments, roles). */
  readonly extend?: (config: Record<string, unknown>) => Record<string, unknown>;
  /** Keep the state directory (and so the registry) in this directory, to restart a proxy on it. */
  readonly dir?: string;
}

export const SERVICE_ACCOUNT = { username: 'changegate-svc', token: 'svc-secret' } as const;

export async function startGerritBehindProxy(options: BehindProxyOptions = {}): Promise<GerritBehindProxy> {
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'changegate-gitproxy-')));
  const idp = await startTestIdp();
  const gerrit = await startFakeGerrit({
    projects: options.projects ?? ['demo', 'external/bison'],
    ...(options.serviceAccount === true ? { tokens: { [SERVICE_ACCOUNT.username]: SERVICE_ACCOUNT.token } } : {}),
  });
  const gerritUpstream = {
    url: gerrit.url,
    pathPrefix: '/',
    timeoutMs: 30_000,
    ...(options.serviceAccount === true ? { serviceAccount: SERVICE_ACCOUNT } : {}),
    ...(options.webhooks === undefined ? {} : { webhooks: options.webhooks }),
  };
  const raw: Record<string, unknown> = {
    listen: '127.0.0.1:0',
    admin: { listen: '127.0.0.1:0' },
    publicUrl: 'http://127.0.0.1:8080',
    stateDir: path.join(dir, 'state'),
    upstreams: { gerrit: gerritUpstream },
    identity: {
      oidc: { issuer: idp.issuer, clientId: 'changegate', clientSecret: 'changegate-dev-secret' },
      roles: { reviewer: { groups: ['gerrit-reviewers'] }, admin: { groups: ['platform-admins'] } },
    },
    policy: { path: path.join(packageRoot(), 'policies'), watch: false },
    audit: { path: path.join(dir, 'audit.jsonl') },
    log: { level: 'silent' },
  };
  const config = configSchema.parse(options.extend === undefined ? raw : options.extend(raw));
  // Our own handle on the proxy's token file, as the token API would mint through it.
  const store = await FileTokenStore.open(config.stateDir);
  const roles = roleMapper(config.identity.roles);
  const owner = (username: string): OidcIdentity => {
    const u = DEV_USERS.find((d) => d.username === username);
    if (u === undefined) throw new TypeError(`no dev user ${username}`);
    const base = { id: u.sub, groups: u.groups, email: u.email, human: true } as const;
    return { kind: 'authenticated', via: 'oidc', id: u.sub, username: u.username, email: u.email, groups: u.groups, roles: roles(base), issuer: idp.issuer, human: true, sessionId: 'test' };
  };
  const proxy = await startChangegate(config, { logger: createLogger({ level: 'silent' }) });
  const base = `http://127.0.0.1:${proxy.ingress.port}`;
  gerrit.setWebUrl(base);
  /** Minted tokens by id, so a revocation can wait until the proxy refuses the token. */
  const minted = new Map<string, string>();
  return {
    idp,
    gerrit,
    proxy,
    config,
    base,
    adminBase: `http://127.0.0.1:${proxy.admin.port}`,
    async mint(username, o = {}) {
      const age = o.ageSeconds ?? 0;
      const service = new PatService(store, roles, () => Math.floor(Date.now() / 1000) - age);
      const { token, summary } = await service.mint(owner(username), {
        name: `test ${username} ${Math.random().toString(36).slice(2, 8)}`,
        ...(o.expiresInSeconds === undefined ? {} : { expiresInSeconds: o.expiresInSeconds }),
        ...(o.roles === undefined ? {} : { roles: o.roles }),
        ...(o.change === undefined ? {} : { change: o.change }),
      });
      minted.set(summary.id, token);
      await untilProxySeesToken(base, username, token, 'known');
      return { token, id: summary.id };
    },
    async revoke(username, id) {
      const service = new PatService(store, roles, () => Math.floor(Date.now() / 1000));
      const o = owner(username);
      if (!(await service.revoke({ id: o.id, issuer: o.issuer }, id))) throw new Error(`no token ${id} for ${username}`);
      const token = minted.get(id);
      if (token !== undefined) await untilProxySeesToken(base, username, token, 'revoked');
    },
    async audit() {
      return auditRecords(config.audit.path);
    },
    async close() {
      await proxy.close();
      await store.close();
      await Promise.all([gerrit.close(), idp.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
