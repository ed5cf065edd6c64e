// What every scenario needs: the settings, the upstream, credentials, a way to start a
// Changegate with the benchmark's config, and wrk bound to the load core.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../src/config/schema.js';
import { packageRoot } from '../../src/util/package-root.js';
import { startChangegate, type RunningChangegate, type StartExtras } from './changegate.js';
import { onCores, type CoreUse } from './core-time.js';
import { LOAD_CPU, proxyCpus, type Settings } from './settings.js';
import type { Shape } from './shapes.js';
import { writeScript, wrk, type LoadResult } from './wrk.js';

export type Headers = Readonly<Record<string, string>>;

/** Whether the config has `workers` (node cluster); then the scenarios also run with 2. */
export const WORKERS_SUPPORTED = 'workers' in configSchema.shape;

export const SESSION_SECRET = 'bench-session-secret-bench-session-secret';
export const SESSION_GROUPS: readonly string[] = ['bench-reviewers'];

export interface ProxyOptions {
  readonly workers: number;
  /** Directory of the audit log; default the instance's own (on the temp dir's disk). */
  readonly auditDir?: string;
  /** 'main' listens on the main ports, 'side' on the second pair (one side instance at a time). */
  readonly ports: 'main' | 'side';
  /** `log.level`; default: left unset, as operators leave it (info: one access line per request). */
  readonly logLevel?: 'warn';
  /** stateDir; default the run's shared one. */
  readonly stateDir?: string;
  /** Extra node flags and environment for the process (the churn scenario's GC hook). */
  readonly extras?: StartExtras;
  /** `limits` overrides, for a scenario whose one client exceeds a per-client default on purpose. */
  readonly limits?: Readonly<Record<string, number>>;
}

export interface Bench {
  readonly settings: Settings;
  readonly dir: string;
  readonly directUrl: string;
  readonly upstreamPid: number;
  readonly issuer: string;
  /** Authorization for the machine client `bench` (roles ci, reviewer, operator). */
  readonly bearer: Headers;
  startProxy(name: string, options: ProxyOptions): Promise<RunningChangegate>;
  /** A wrk run, with what the (one-worker) proxy's core spent on it. */
  load(shape: Shape, base: string, headers: Headers, seconds?: number): Promise<MeasuredLoad>;
}

export type MeasuredLoad = LoadResult & { readonly proxyCore: CoreUse };

export interface BenchInit {
  readonly settings: Settings;
  readonly dir: string;
  readonly upstreamPid: number;
  readonly issuer: string;
  readonly token: string;
}

export function createBench(init: BenchInit): Bench {
  const { settings, dir } = init;
  const directUrl = `http://127.0.0.1:${settings.ports.upstream}`;
  const summary = writeScript(dir, 'summary');
  let scripts = 0;
  return {
    settings,
    dir,
    directUrl,
    upstreamPid: init.upstreamPid,
    issuer: init.issuer,
    bearer: { authorization: `Bearer ${init.token}` },
    startProxy: (name, options) => {
      const instanceDir = join(dir, name);
      mkdirSync(instanceDir, { recursive: true });
      const ports = options.ports === 'main' ? { proxy: settings.ports.proxy, admin: settings.ports.admin } : { proxy: settings.ports.side, admin: settings.ports.sideAdmin };
      const config = changegateConfig({ ...init, directUrl, workers: options.workers, stateDir: options.stateDir ?? join(dir, 'state'), auditPath: join(options.auditDir ?? instanceDir, 'audit.jsonl'), logLevel: options.logLevel, limits: options.limits, ...ports });
      return startChangegate(config, instanceDir, proxyCpus(options.workers), options.extras);
    },
    load: (shape, base, headers, seconds = settings.seconds) => {
      const common = { seconds, connections: settings.connections, cpu: LOAD_CPU };
      const measured = (run: () => Promise<LoadResult>): Promise<MeasuredLoad> => onCores(proxyCpus(1), run, (r) => r.requests);
      if (shape.template === undefined) return measured(() => wrk({ ...common, url: `${base}${shape.path}`, headers, script: summary }));
      // Each run its own counter range: no request repeats one an earlier run sent.
      const n = ++scripts;
      const script = writeScript(dir, `request-${n}`, { ...shape.template, headers: { ...shape.template.headers, ...headers }, start: n * 10_000_000 });
      return measured(() => wrk({ ...common, url: `${base}${shape.template!.path.replace('{n}', '1')}`, script }));
    },
  };
}

interface ConfigInputs {
  readonly issuer: string;
  readonly directUrl: string;
  readonly workers: number;
  readonly stateDir: string;
  readonly auditPath: string;
  readonly logLevel: 'warn' | undefined;
  readonly limits: Readonly<Record<string, number>> | undefined;
  readonly proxy: number;
  readonly admin: number;
}

/**
 * A production-shaped config: both upstreams (Gerrit with a service account, so votes are
 * decided on the change's owner and approvals; Dagster validated against its schema), bearer
 * tokens and sessions, the default policies, the audit log on a real disk, the log level left at
 * its default.
 */
function changegateConfig(c: ConfigInputs): Record<string, unknown> & { listen: string; admin: { listen: string } } {
  const root = packageRoot();
  return {
    listen: `127.0.0.1:${c.proxy}`,
    admin: { listen: `127.0.0.1:${c.admin}` },
    publicUrl: `http://127.0.0.1:${c.proxy}`,
    stateDir: c.stateDir,
    ...(WORKERS_SUPPORTED ? { workers: c.workers } : {}),
    upstreams: {
      gerrit: { url: c.directUrl, pathPrefix: '/', serviceAccount: { username: 'changegate-svc', token: 'bench-service-token' } },
      dagster: { url: c.directUrl, pathPrefix: '/dagster', graphqlSchema: join(root, 'test', 'fakes', 'dagster', 'schema.graphql') },
    },
    identity: {
      bearer: [{ issuer: c.issuer, audience: 'changegate' }],
      session: { keys: [SESSION_SECRET] },
      roles: {
        ci: { clients: ['bench'] },
        reviewer: { clients: ['bench'], groups: [...SESSION_GROUPS] },
        operator: { clients: ['bench'] },
        viewer: { groups: [...SESSION_GROUPS] },
      },
    },
    policy: { path: join(root, 'policies'), watch: false },
    audit: { path: c.auditPath },
    ...(c.logLevel === undefined ? {} : { log: { level: c.logLevel } }),
    ...(c.limits === undefined ? {} : { limits: c.limits }),
  };
}
