// The branch-deployment loop, wired: Gerrit's service client is the change source, the
// configured launcher starts webservers, each ready one becomes a Dagster upstream instance in
// the route table (a placeholder under the deployments' prefix answers for the others), Dagster's
// service client inspects them and deploys on merge, and every step lands in the audit log.
// Nothing here runs unless `deployments` (or `deployOnMerge`) is configured.

import { resolve } from 'node:path';
import type { AuditSink } from '../audit/types.js';
import type { Config } from '../config/schema.js';
import { ChangegateError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { RouteTable } from '../pipeline/route-table.js';
import type { Upstream } from '../pipeline/types.js';
import type { Decider } from '../policy/types.js';
import { stepRecord } from '../deployments/audit.js';
import { DeploymentController, deploymentLink, servingOf, type ChangeSignal } from '../deployments/controller.js';
import { DeployOnMerge } from '../deployments/deploy-on-merge.js';
import { openKubernetesLauncher } from '../deployments/launchers/kubernetes/index.js';
import { ProcessLauncher } from '../deployments/launchers/process.js';
import { deploymentsRouter } from '../deployments/pages.js';
import { placeholderUpstream } from '../deployments/placeholder.js';
import { Registry, type DeploymentRecord } from '../deployments/registry.js';
import type { Launcher } from '../deployments/types.js';
import { ChangeTracking, type ImpactAnswer } from '../deployments/change-tracking.js';
import { changesRouter } from '../deployments/changes-page.js';
import {
  branchDeploymentEnv,
  changeDeployment,
  changedReasonsLookup,
  dagsterUpstream,
  DagsterServiceClient,
  fetchAssetGraph,
  ImpactTracker,
  impactMessage,
  type AssetImpact,
  type ChangedReasonsLookup,
  type DagsterConfig,
} from '../upstreams/dagster/index.js';
import { projectMatcher } from '../util/project-glob.js';
import { join } from 'node:path';
import { GerritServiceClient } from '../upstreams/gerrit/index.js';
import type { Auth } from './auth.js';
import type { UpstreamDeps } from './upstreams.js';

export interface Deployments {
  /** Where Gerrit's events and proxied requests report changes. */
  signal(s: ChangeSignal): void;
  /** The submit decision's resource.change.impact (undefined: the project is not tracked). */
  impact(change: number, project: string, currentRevision: string | null): ImpactAnswer | undefined;
  readonly tracking: ChangeTracking<AssetImpact, ChangedReasonsLookup> | undefined;
  readonly controller: DeploymentController | undefined;
  readonly deployOnMerge: DeployOnMerge | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface DeploymentsDeps {
  readonly routes: RouteTable;
  readonly audit: AuditSink;
  readonly decider: Decider;
  readonly auth: Pick<Auth, 'pages' | 'identify'>;
  readonly logger: Logger;
  /** What a Dagster instance needs from the rest (decider, limits, claims, run notices). */
  readonly upstreamDeps: UpstreamDeps;
  readonly now?: () => Date;
}

const NONE: Deployments = { signal: () => undefined, impact: () => undefined, tracking: undefined, controller: undefined, deployOnMerge: undefined, start: async () => undefined, stop: async () => undefined };

export async function buildDeployments(config: Config, deps: DeploymentsDeps): Promise<Deployments> {
  const { gerrit, dagster } = config.upstreams;
  if (config.deployments === undefined && config.deployOnMerge.length === 0) return NONE;
  if (gerrit?.serviceAccount === undefined || dagster === undefined) {
    throw new ChangegateError('config_invalid', 'deployments and deployOnMerge need upstreams.gerrit with a serviceAccount and upstreams.dagster');
  }
  const now = deps.now ?? (() => new Date());
  const log = (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string): void => deps.logger[level](fields, message);
  const source = new GerritServiceClient({ url: gerrit.url, username: gerrit.serviceAccount.username, token: gerrit.serviceAccount.token, timeoutMs: Math.min(gerrit.timeoutMs, 30_000) });
  const production = new DagsterServiceClient({ url: dagster.url, pathPrefix: dagster.pathPrefix === '/' ? '' : dagster.pathPrefix, timeoutMs: Math.min(dagster.timeoutMs, 60_000) });
  const dagsterUi = new URL(dagster.pathPrefix, config.publicUrl).href.replace(/\/$/, '');

  const deployOnMerge =
    config.deployOnMerge.length === 0
      ? undefined
      : new DeployOnMerge({
          rules: config.deployOnMerge,
          source,
          production: { reload: (l) => production.reload(l), launch: (p) => production.launch(p), runLink: (id) => `${dagsterUi}/runs/${encodeURIComponent(id)}` },
          decider: deps.decider,
          audit: deps.audit,
          kind: 'dagster',
          now,
          onReloaded: () => void tracking?.productionReloaded(),
          log,
        });

  const d = config.deployments;
  let controller: DeploymentController | undefined;
  let tracking: ChangeTracking<AssetImpact, ChangedReasonsLookup> | undefined;
  if (d !== undefined) {
    const registry = await Registry.open(config.stateDir);
    const settings = {
      projects: d.projects,
      pathPrefix: d.pathPrefix,
      host: d.host,
      workdir: resolve(d.launcher.workdir),
      readyTimeoutMs: d.launcher.readyTimeoutSeconds * 1000,
      cleanupTimeoutMs: (d.cleanup?.timeoutSeconds ?? 600) * 1000,
      hasCleanup: d.cleanup !== undefined,
      maxConcurrent: d.maxConcurrent,
      reconcileMs: d.reconcileSeconds * 1000,
      publicUrl: config.publicUrl,
      verifyLabel: d.verify?.label,
    };
    const productionGraphql = `${dagster.url.replace(/\/+$/, '')}${dagster.pathPrefix === '/' ? '' : dagster.pathPrefix}/graphql`;
    // Production's graph is read once per production revision and shared by every change.
    const impacts = new ImpactTracker({ read: (endpoint) => fetchAssetGraph({ endpoint }), productionEndpoint: productionGraphql, productionRevision: () => tracking?.productionRevision ?? '0' });
    tracking = new ChangeTracking<AssetImpact, ChangedReasonsLookup>({
      ports: {
        compute: (change, branch, computedFor) => impacts.compute(change, `${branch.url}${branch.pathPrefix}/graphql`, computedFor),
        message: (impact, links) => impactMessage(impact, links),
        lookup: (impact) => changedReasonsLookup(impact),
        policyInput: impactInput,
      },
      dir: join(config.stateDir, 'deployments', 'impact'),
      source,
      link: (n) => deploymentLink(settings, n),
      pageUrl: (n) => `${new URL(config.publicUrl).origin}/.changegate/changes/${n}/assets`,
      get: (n) => controller?.get(n),
      log,
    });
    await tracking.load();
    const t = tracking;
    const instances = new BranchInstances(deps.routes, dagster, deps.upstreamDeps, () => controller, (n) => t.lookup(n));
    controller = new DeploymentController({
      settings,
      source,
      launcher: await launcherFor(d),
      registry,
      routes: instances,
      environment: (change, url) => branchDeploymentEnv({ ...change, deploymentUrl: url }),
      inspect: async (url, prefix) => {
        // One call per branch deployment: its connection is closed, not left idle.
        const client = new DagsterServiceClient({ url, pathPrefix: prefix });
        try {
          return await client.locations();
        } finally {
          void client.close().catch(() => undefined);
        }
      },
      audit: (step, record, details) => deps.audit.append(stepRecord('dagster', step, record, details, now())),
      onReady: (record) => void t.track(record),
      onClosed: (record) => void t.forget(record.change.number),
      now,
      log,
    });
    const c = controller;
    deps.routes.add(placeholderUpstream({ kind: 'dagster', prefix: d.pathPrefix.slice(0, d.pathPrefix.lastIndexOf('/')), timeoutMs: dagster.timeoutMs, lookup: (n) => c.get(n) }));
    deps.auth.pages.use(deploymentsRouter({ kind: 'dagster', list: () => c.list(), link: (n) => deploymentLink(settings, n), identify: (req) => deps.auth.identify(req), decider: deps.decider, now }));
    deps.auth.pages.use(changesRouter({ kind: 'dagster', get: (n) => c.get(n), result: (n) => t.result(n), link: (n) => deploymentLink(settings, n), identify: (req) => deps.auth.identify(req), decider: deps.decider }));
  }

  const tracked = d === undefined ? undefined : projectMatcher(d.projects);
  const t = tracking;
  return {
    controller,
    tracking,
    deployOnMerge,
    impact: (change, project, revision) => (t === undefined || tracked === undefined || !tracked(project) ? undefined : t.answer(change, revision)),
    signal: (s) => {
      controller?.signal(s);
      if (s.kind === 'closed' && s.reason === 'MERGED') deployOnMerge?.merged(s.change);
    },
    start: async () => controller?.start(),
    stop: async () => {
      await controller?.stop();
      await t?.settled();
      await deployOnMerge?.settled();
    },
  };
}

/** The configured launcher (also used to stop what an earlier run left: forget-deployments.ts). */
export async function launcherFor(d: NonNullable<Config['deployments']>): Promise<Launcher> {
  if (d.launcher.kind === 'kubernetes') {
    if (d.kubernetes === undefined) throw new ChangegateError('config_invalid', 'deployments.launcher.kind kubernetes needs deployments.kubernetes');
    return openKubernetesLauncher(d, { baseDir: process.cwd() });
  }
  return new ProcessLauncher(d.launcher, d.cleanup);
}

/**
 * The Dagster instance serving each ready deployment, one per patch set
 * (`gerrit-change-42@3`): a new patch set's instance takes the old one's place in one step.
 */
class BranchInstances {
  readonly #current = new Map<number, string>();

  constructor(
    private readonly routes: RouteTable,
    private readonly dagster: DagsterConfig,
    private readonly deps: UpstreamDeps,
    private readonly controller: () => DeploymentController | undefined,
    private readonly reasons: (change: number) => ChangedReasonsLookup | undefined,
  ) {}

  async serve(record: DeploymentRecord, url: string): Promise<void> {
    const serving = servingOf(record.state);
    const name = `${record.name}@${serving?.patchset ?? record.change.patchset}`;
    const number = record.change.number;
    const instance: Upstream = dagsterUpstream(
      { ...this.dagster, url, pathPrefix: record.pathPrefix, host: record.host, deployment: undefined },
      {
        name,
        maxClassifiedBodyBytes: this.deps.limits.maxClassifiedBodyBytes,
        webSocketIdleMs: this.deps.limits.webSocketIdleMs,
        decider: this.deps.decider,
        changeClaims: this.deps.changeClaims,
        ...(this.deps.onRunLaunched === undefined ? {} : { onRunLaunched: this.deps.onRunLaunched }),
        // Read per request: the change's reviewers and status move while the instance serves.
        deployment: () => changeDeployment(this.controller()?.get(number)?.change ?? record.change),
        changedReasons: () => this.reasons(number),
      },
    );
    const previous = this.#current.get(number);
    this.#current.set(number, name);
    if (previous === undefined) this.routes.add(instance);
    else await this.routes.replace(previous, instance);
  }

  async unserve(record: DeploymentRecord): Promise<void> {
    const name = this.#current.get(record.change.number);
    this.#current.delete(record.change.number);
    if (name !== undefined) await this.routes.remove(name);
  }
}

/** resource.change.impact: asset keys as "a/b" strings, which is how policies name them. */
function impactInput(impact: AssetImpact): unknown {
  const asset = (a: AssetImpact['downstream'][number]): Record<string, unknown> => ({ key: a.key.join('/'), location: a.location, group: a.group, tags: a.tags, owners: a.owners });
  return {
    patchset: impact.computedFor.patchset,
    computedFor: impact.computedFor,
    assets: impact.assets.map((a) => ({ ...asset(a), reasons: a.reasons })),
    downstream: impact.downstream.map(asset),
    counts: impact.counts,
  };
}
