// The configuration file's shape: one zod schema, the single source of truth for what a valid
// config is. Field names are a stable contract (README "Configuration"); add, never rename.

import { z } from 'zod';
import { ROLES } from '../identity/types.js';

const httpUrl = z
  .string()
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'expected an http(s) URL');

/** host:port, [v6]:port or a bare port; port 0 asks the OS for a free one (tests). */
const listenAddress = z
  .string()
  .regex(/^(?:(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):)?\d{1,5}$/, 'expected host:port, such as 127.0.0.1:8080')
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, 'port must be 0-65535');

const cidr = z.union([z.cidrv4(), z.cidrv6(), z.ipv4(), z.ipv6()], { error: 'expected an IP address or CIDR' });

const pathPrefix = z
  .string()
  .regex(/^\/(?:[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*)?$/, 'expected an absolute path prefix such as /dagster')
  .default('/');

const upstream = z.strictObject({
  url: httpUrl,
  /** Requests whose normalized path starts with this prefix go here. Paths are forwarded unstripped. */
  pathPrefix,
  /** Match on Host as well (or instead, with pathPrefix "/"). */
  host: z.string().min(1).optional(),
  /** Abort an upstream request that has not answered headers in this many milliseconds. */
  timeoutMs: z.number().int().positive().default(60_000),
  /** Dagster only: the webserver's GraphQL schema (SDL); requests are validated against it. */
  graphqlSchema: z.string().min(1).optional(),
  /** Service account the proxy uses to read state from the upstream (change details, runs). */
  serviceAccount: z.strictObject({ username: z.string().min(1), token: z.string().min(1) }).optional(),
});

/**
 * Gerrit only: the webhooks plugin posting change events to the admin listener
 * (src/upstreams/gerrit/events). Each check that is set must pass: the secret (the plugin's remote URL
 * carries it as `?secret=`) and the source address.
 */
const gerritWebhooks = z
  .strictObject({
    secret: z.string().min(32, 'the webhook secret must be at least 32 characters').optional(),
    allow: z.array(cidr).default([]),
  })
  .refine((w) => w.secret !== undefined || w.allow.length > 0, 'set a secret, an allow list of addresses, or both');

const gerritUpstream = upstream.extend({ webhooks: gerritWebhooks.optional() });

/**
 * Dagster only: which deployment this webserver is. Setting `branch` or `change` makes it a
 * branch deployment (built for one git branch or Gerrit change; src/upstreams/dagster/deployment.ts):
 * policy sees `resource.deployment.branch == true`, and its runs are stamped with the change.
 */
const dagsterDeployment = z.strictObject({
  name: z.string().min(1).max(128),
  branch: z.string().min(1).max(255).optional(),
  /** A change number, a Change-Id (I + 40 hex digits), or both: `12345,I<hex>`. */
  change: z
    .union([z.number().int().positive().max(2 ** 31 - 1), z.string().regex(/^(?:[1-9][0-9]{0,9}|I[0-9a-f]{40}|[1-9][0-9]{0,9},I[0-9a-f]{40})$/, 'expected a change number, a Change-Id, or both separated by a comma')])
    .optional(),
});

/**
 * Dagster only: who may name a Gerrit change with `X-Gerrit-Change` (stamped on the runs they
 * launch, and announced on the change by the service account). These roles are believed as
 * they are; anyone else's header is checked with Gerrit as the caller (the change must be one
 * they can see), or refused when no Gerrit upstream is configured.
 */
const dagsterChangeHeader = z.strictObject({
  trustedRoles: z.array(z.enum(ROLES)).default(['ci']),
});

const dagsterUpstream = upstream.extend({ deployment: dagsterDeployment.optional(), changeHeader: dagsterChangeHeader.default({ trustedRoles: ['ci'] }) });

/**
 * Branch deployments (src/deployments): every open change of `projects` gets its own Dagster
 * webserver, started by the launcher from the patch set's checkout and routed at `pathPrefix`
 * (and `host`), where `{change}` is the change number. Needs `upstreams.gerrit` with a service
 * account and `upstreams.dagster`. Names are a contract: tools outside this repo rely on them.
 */
const changePlaceholder = (s: string): boolean => s.includes('{change}');
const deployments = z
  .strictObject({
    /** Gerrit projects whose open changes get a deployment; `*` matches within a path segment, `**` across. */
    projects: z.array(z.string().min(1).max(255)).min(1),
    pathPrefix: z
      .string()
      .regex(/^\/(?:[A-Za-z0-9._~{}-]+(?:\/[A-Za-z0-9._~{}-]+)*)$/, 'expected an absolute path such as /dagster/changes/{change}')
      .refine((p) => p.endsWith('/{change}') && p.indexOf('{change}') === p.length - 8 && p.length > 9, 'the path prefix must end with a /{change} segment below a fixed prefix, such as /dagster/changes/{change}')
      .default('/dagster/changes/{change}'),
    host: z.string().min(1).max(253).refine(changePlaceholder, 'the host must contain {change}').optional(),
    launcher: z
      .strictObject({
        kind: z.enum(['process', 'kubernetes']).default('process'),
        /** argv; placeholders {port} {pathPrefix} {change} {patchset} {checkout} {name}. */
        command: z.array(z.string().min(1)).min(1).default(['dagster-webserver', '-w', 'workspace.yaml', '-h', '127.0.0.1', '-p', '{port}', '--path-prefix', '{pathPrefix}']),
        /** The change is checked out at {workdir}/{change}/{patchset}; a relative path is relative to the working directory. */
        workdir: z.string().min(1).default('var/deployments'),
        env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name'), z.string()).default({}),
        readyTimeoutSeconds: z.number().int().positive().max(3600).default(180),
      })
      .default({ kind: 'process', command: ['dagster-webserver', '-w', 'workspace.yaml', '-h', '127.0.0.1', '-p', '{port}', '--path-prefix', '{pathPrefix}'], workdir: 'var/deployments', env: {}, readyTimeoutSeconds: 180 }),
    kubernetes: z
      .strictObject({
        namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a Kubernetes namespace name'),
        /** YAML with a Deployment and a Service; the same placeholders as the command. */
        template: z.string().min(1),
        /** The API server; default: in-cluster (service account token), else ~/.kube/config. */
        apiUrl: httpUrl.optional(),
        /** The image the cleanup Job runs (default: the Deployment's first container's). */
        cleanupImage: z.string().min(1).optional(),
      })
      .optional(),
    /** Run when the change closes, with the deployment's environment, in its checkout. */
    cleanup: z.strictObject({ command: z.array(z.string().min(1)).min(1), timeoutSeconds: z.number().int().positive().max(3600).default(600) }).optional(),
    maxConcurrent: z.number().int().positive().max(1000).default(10),
    /** Reconcile with Gerrit this often (events keep it current in between). */
    reconcileSeconds: z.number().int().positive().max(86_400).default(300),
    /** Vote on the change as a CI system would: -1 when a code location fails to load, +1 when all load. */
    verify: z.strictObject({ label: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'expected a Gerrit label name') }).optional(),
  })
  .refine((d) => d.launcher.kind !== 'kubernetes' || d.kubernetes !== undefined, { message: 'launcher.kind kubernetes needs deployments.kubernetes', path: ['kubernetes'] });

/** When a change of `project` merges into `branch`: reload `locations` in production, then launch the jobs, tagged with the change. */
const deployOnMerge = z.strictObject({
  project: z.string().min(1).max(255),
  branch: z.string().min(1).max(255).default('main'),
  locations: z.array(z.string().min(1)).default([]),
  launch: z.array(z.strictObject({ location: z.string().min(1), repository: z.string().min(1).default('__repository__'), job: z.string().min(1) })).default([]),
});

const roleGrant = z.strictObject({
  groups: z.array(z.string().min(1)).default([]),
  subjects: z.array(z.string().min(1)).default([]),
  /** Matches a token's client_id or azp. */
  clients: z.array(z.string().min(1)).default([]),
  emails: z.array(z.string().min(1)).default([]),
});

const bearerIssuer = z.strictObject({
  issuer: httpUrl,
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** Defaults to the issuer's discovery document's jwks_uri. */
  jwksUri: httpUrl.optional(),
  algorithms: z
    .array(z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']))
    .min(1)
    .default(['RS256', 'ES256']),
  /** Claim naming the subject's user name (Gerrit's username header). */
  usernameClaim: z.string().min(1).default('preferred_username'),
});

const oidc = z.strictObject({
  issuer: httpUrl,
  clientId: z.string().min(1),
  clientSecret: z.string().min(1).optional(),
  scopes: z.array(z.string().min(1)).default(['openid', 'email', 'profile', 'groups', 'offline_access']),
  usernameClaim: z.string().min(1).default('preferred_username'),
});

const session = z.strictObject({
  /** Encryption keys for the session cookie, newest first: the first encrypts, all decrypt. */
  keys: z.array(z.string().min(32, 'session keys must be at least 32 characters')).min(1).optional(),
  absoluteLifetimeSeconds: z.number().int().positive().default(12 * 3600),
  idleLifetimeSeconds: z.number().int().positive().default(3600),
  maxGroups: z.number().int().positive().default(64),
});

export const roleNames = z.enum(ROLES);

const LIMIT_DEFAULTS = {
  maxClassifiedBodyBytes: 1048576,
  maxHeaderBytes: 16384,
  maxUrlBytes: 8192,
  bodyIdleMs: 10_000,
  bodyTotalMs: 60_000,
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 60 * 60_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 4096,
  maxConnectionsPerAddress: 256,
  maxWebSockets: 1024,
  maxWebSocketsPerIdentity: 32,
  webSocketIdleMs: 5 * 60_000,
};

export const configSchema = z.strictObject({
  listen: listenAddress.default('127.0.0.1:8080'),
  admin: z.strictObject({ listen: listenAddress.default('127.0.0.1:9901') }).default({ listen: '127.0.0.1:9901' }),
  publicUrl: httpUrl.default('http://127.0.0.1:8080'),
  trustedProxies: z.array(cidr).default([]),
  /** Directory for runtime state (PAT store, generated keys). */
  stateDir: z.string().min(1).default('var'),
  /**
   * Proxy processes sharing the listeners (node cluster); `auto` is one per CPU. Each worker
   * keeps its own audit chain, `audit.path` with `.wN` before the extension.
   */
  workers: z.union([z.literal('auto'), z.number().int().min(1).max(64)]).default(1),
  upstreams: z
    .strictObject({ gerrit: gerritUpstream.optional(), dagster: dagsterUpstream.optional() })
    .refine((u) => u.gerrit !== undefined || u.dagster !== undefined, 'configure at least one upstream'),
  identity: z
    .strictObject({
      bearer: z.array(bearerIssuer).default([]),
      oidc: oidc.optional(),
      session: session.default({ absoluteLifetimeSeconds: 43200, idleLifetimeSeconds: 3600, maxGroups: 64 }),
      groupsClaim: z.string().min(1).default('groups'),
      roles: z.partialRecord(roleNames, roleGrant).default({}),
    })
    .default({ bearer: [], session: { absoluteLifetimeSeconds: 43200, idleLifetimeSeconds: 3600, maxGroups: 64 }, groupsClaim: 'groups', roles: {} }),
  policy: z
    .strictObject({
      path: z.string().min(1).default('policies/'),
      /** A bundle built by `opa build -t wasm`, used instead of compiling `path`. */
      bundle: z.string().min(1).optional(),
      entrypoint: z.string().min(1).default('changegate/decision'),
      cacheSize: z.number().int().min(0).default(10_000),
      watch: z.boolean().default(true),
    })
    .default({ path: 'policies/', entrypoint: 'changegate/decision', cacheSize: 10_000, watch: true }),
  audit: z
    .strictObject({
      path: z.string().min(1).default('var/audit.jsonl'),
      stdout: z.boolean().default(false),
      /** Rotate the active file once it reaches this many bytes; 0 never. */
      rotateBytes: z.number().int().min(0).default(64 * 1024 * 1024),
      /** Rotate when the UTC day changes. */
      rotateDaily: z.boolean().default(true),
      /** Sign the chain head with a checkpoint line every N records... */
      checkpointEvery: z.number().int().positive().default(1000),
      /** ...or every T seconds, whichever comes first. */
      checkpointSeconds: z.number().int().positive().default(60),
      /** Ed25519 private key (PEM) for checkpoints; default generated into stateDir. */
      signingKey: z.string().min(1).optional(),
      /** While the log cannot be written, let GET/HEAD through (each logged) instead of 503. */
      failOpenReads: z.boolean().default(false),
    })
    .default({
      path: 'var/audit.jsonl',
      stdout: false,
      rotateBytes: 64 * 1024 * 1024,
      rotateDaily: true,
      checkpointEvery: 1000,
      checkpointSeconds: 60,
      failOpenReads: false,
    }),
  limits: z
    .strictObject({
      /** Largest body the proxy buffers to classify (JSON, GraphQL); larger gets 413. */
      maxClassifiedBodyBytes: z.number().int().positive().default(1024 * 1024),
      maxHeaderBytes: z.number().int().positive().default(16 * 1024),
      maxUrlBytes: z.number().int().positive().default(8 * 1024),
      /**
       * A body read to classify it (JSON, GraphQL, a push's command list; never a pack, which
       * streams) must keep arriving: silent this long, or unfinished after bodyTotalMs, is 408.
       */
      bodyIdleMs: z.number().int().positive().default(10_000),
      bodyTotalMs: z.number().int().positive().default(60_000),
      /** The request head must arrive within this (Node's headersTimeout). */
      headersTimeoutMs: z.number().int().positive().default(30_000),
      /**
       * The whole request, body included, must arrive within this (Node's requestTimeout), so it
       * must exceed the longest legitimate push; 0 turns it off.
       */
      requestTimeoutMs: z.number().int().min(0).default(60 * 60_000),
      /** An idle keep-alive connection is closed after this. */
      keepAliveTimeoutMs: z.number().int().positive().default(65_000),
      /** Open client connections, in total and from one peer address (a trusted proxy counts only in the total). */
      maxConnections: z.number().int().positive().default(4096),
      maxConnectionsPerAddress: z.number().int().positive().default(256),
      /** Open WebSockets, in total and per identity (an anonymous caller is its address). */
      maxWebSockets: z.number().int().positive().default(1024),
      maxWebSocketsPerIdentity: z.number().int().positive().default(32),
      /** A WebSocket with no frame either way (keep-alives aside) for this long is closed (4408). */
      webSocketIdleMs: z.number().int().positive().default(5 * 60_000),
    })
    .default(LIMIT_DEFAULTS),
  deployments: deployments.optional(),
  deployOnMerge: z.array(deployOnMerge).default([]),
  log: z
    .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .default({ level: 'info' }),
});

export type Config = z.infer<typeof configSchema>;
export type UpstreamConfig = z.infer<typeof upstream>;
export type BearerIssuerConfig = z.infer<typeof bearerIssuer>;
export type OidcConfig = z.infer<typeof oidc>;
export type SessionConfig = z.infer<typeof session>;
export type RoleGrant = z.infer<typeof roleGrant>;
export type DeploymentsConfig = z.infer<typeof deployments>;
export type DeployOnMergeConfig = z.infer<typeof deployOnMerge>;
