// The kubernetes launcher: one Deployment and one Service per patch set, from the template,
// through the Kubernetes API; ready from the pod status; deleted on stop; cleanup as a Job.
//
// Names carry the patch set (`{name}-ps{patchset}`): the controller starts a new patch set's pair
// and stops the old one only once the new one is ready, so both exist for a while.

import { LaunchError, type CleanupResult, type Launcher, type LaunchSpec, type RunningWebserver } from '../../types.js';
import { KubeApiError, paths, type KubeApi } from './api.js';
import { realClock, type WaitClock } from './clock.js';
import { runCleanupJob } from './cleanup-job.js';
import type { Deployment, Service } from './objects.js';
import { waitUntilReady } from './readiness.js';
import { LABEL_DEPLOYMENT, renderTemplate, TemplateError, type BranchTemplate, type RenderedDeployment } from './template.js';

export interface KubernetesLauncherOptions {
  readonly api: KubeApi;
  /** Loaded with loadTemplate (its namespace is deployments.kubernetes.namespace). */
  readonly template: BranchTemplate;
  /** deployments.kubernetes.cleanupImage. */
  readonly cleanupImage?: string | undefined;
  /** deployments.cleanup.command; without it cleanup() does nothing and says so. */
  readonly cleanupCommand?: readonly string[] | undefined;
  /** Between two looks at the pods or the Job (default 2 s). */
  readonly pollIntervalMs?: number;
  readonly clock?: WaitClock;
}

/** What start() returns as the handle, and what stop() and alive() accept back (from the registry on disk). */
export interface KubernetesHandle {
  readonly namespace: string;
  readonly deployment: string;
  readonly service: string;
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class KubernetesLauncher implements Launcher {
  readonly kind = 'kubernetes' as const;
  readonly #api: KubeApi;
  readonly #template: BranchTemplate;
  readonly #cleanupImage: string | undefined;
  readonly #cleanupCommand: readonly string[] | undefined;
  readonly #intervalMs: number;
  readonly #clock: WaitClock;

  constructor(options: KubernetesLauncherOptions) {
    this.#api = options.api;
    this.#template = options.template;
    this.#cleanupImage = options.cleanupImage;
    this.#cleanupCommand = options.cleanupCommand;
    this.#intervalMs = options.pollIntervalMs ?? 2000;
    this.#clock = options.clock ?? realClock;
  }

  get #namespace(): string {
    return this.#template.namespace;
  }

  async start(spec: LaunchSpec, signal?: AbortSignal): Promise<RunningWebserver> {
    let rendered: RenderedDeployment;
    try {
      rendered = renderTemplate(this.#template, spec);
    } catch (e) {
      throw new LaunchError(`kubernetes template: ${message(e)}`, '');
    }
    const ns = this.#namespace;
    const handle: KubernetesHandle = { namespace: ns, deployment: rendered.name, service: rendered.name };
    // What is ours to delete if the start fails: never an object of the same name that is not ours.
    // Marked before each create: a create whose answer was lost may still have happened.
    const owned = { deployment: false, service: false };
    try {
      owned.deployment = true;
      await this.#createOrReplace(paths.deployments(ns), paths.deployment(ns, rendered.name), rendered.deployment, rendered, () => (owned.deployment = false));
      owned.service = true;
      await this.#createOrReplace(paths.services(ns), paths.service(ns, rendered.name), rendered.service, rendered, () => (owned.service = false));
      const labelSelector = Object.entries(rendered.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      await waitUntilReady(this.#api, { namespace: ns, deployment: rendered.name, labelSelector }, { timeoutMs: spec.readyTimeoutMs, intervalMs: this.#intervalMs, clock: this.#clock, signal });
    } catch (e) {
      // Leave nothing behind: a failed start is deleted whole (a 404 for what was never created is fine).
      if (owned.service) await this.#api.delete(paths.service(ns, handle.service), 'Background').catch(() => undefined);
      if (owned.deployment) await this.#api.delete(paths.deployment(ns, handle.deployment), 'Background').catch(() => undefined);
      if (e instanceof LaunchError) throw e;
      throw new LaunchError(`${rendered.name}: ${message(e)}`, '');
    }
    return { url: `http://${rendered.name}.${ns}.svc:${rendered.port}`, handle: { ...handle } };
  }

  async stop(handle: RunningWebserver['handle']): Promise<void> {
    await this.#deleteBoth(this.#handle(handle));
  }

  async alive(handle: RunningWebserver['handle']): Promise<boolean> {
    const h = this.#handle(handle);
    const d = await this.#api.get<Deployment>(paths.deployment(h.namespace, h.deployment));
    return d !== undefined && d.metadata?.deletionTimestamp === undefined && (d.status?.availableReplicas ?? 0) >= 1;
  }

  async cleanup(spec: LaunchSpec, timeoutMs: number): Promise<CleanupResult> {
    if (this.#cleanupCommand === undefined) return { ok: true, exitCode: null, output: 'no deployments.cleanup.command: nothing to run' };
    let rendered: RenderedDeployment;
    try {
      rendered = renderTemplate(this.#template, spec);
    } catch (e) {
      return { ok: false, exitCode: null, output: `kubernetes template: ${message(e)}` };
    }
    return runCleanupJob(
      this.#api,
      { namespace: this.#namespace, rendered, command: this.#cleanupCommand, placeholders: spec.placeholders, image: this.#cleanupImage },
      { timeoutMs, intervalMs: this.#intervalMs, clock: this.#clock },
    );
  }

  /** Closes the API connections (on shutdown; not part of Launcher). */
  async close(): Promise<void> {
    await this.#api.close();
  }

  /** A handle comes back from the registry on disk: check it names our namespace and DNS names before using it in a path. */
  #handle(handle: RunningWebserver['handle']): KubernetesHandle {
    const { namespace, deployment, service } = handle;
    if (namespace !== this.#namespace) throw new TypeError(`handle names namespace ${String(namespace)}, not ${this.#namespace}`);
    if (typeof deployment !== 'string' || !NAME.test(deployment) || typeof service !== 'string' || !NAME.test(service)) {
      throw new TypeError('not a kubernetes launcher handle (deployment and service names)');
    }
    return { namespace, deployment, service };
  }

  async #deleteBoth(h: KubernetesHandle): Promise<void> {
    // Background: the API server removes the pods after the Deployment; stop() need not wait for them.
    await this.#api.delete(paths.service(h.namespace, h.service), 'Background');
    await this.#api.delete(paths.deployment(h.namespace, h.deployment), 'Background');
  }

  /**
   * Creates the object; when it exists already (a start interrupted by a restart, retried), replaces
   * it if it is ours for the same change and patch set, and refuses otherwise.
   */
  async #createOrReplace(collection: string, path: string, body: Deployment | Service, rendered: RenderedDeployment, notOurs: () => void): Promise<void> {
    try {
      await this.#api.create(collection, body);
      return;
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 409)) throw e;
    }
    const existing = await this.#api.get<Deployment | Service>(path);
    if (existing === undefined) {
      await this.#api.create(collection, body);
      return;
    }
    const labels = existing.metadata?.labels ?? {};
    if (Object.entries(rendered.labels).some(([k, v]) => labels[k] !== v)) {
      notOurs();
      throw new LaunchError(`${body.kind} ${rendered.name} exists in ${this.#namespace} and is not this patch set's (no ${LABEL_DEPLOYMENT} label for it); not touching it`, '');
    }
    const replacement: Deployment | Service = { ...body, metadata: { ...body.metadata, ...(existing.metadata?.resourceVersion === undefined ? {} : { resourceVersion: existing.metadata.resourceVersion }) } };
    if (body.kind === 'Service') {
      // A Service's cluster IP is immutable: keep the one it has.
      const old = (existing as Service).spec;
      const svc = replacement as Service;
      svc.spec = { ...svc.spec, ...(old?.clusterIP === undefined ? {} : { clusterIP: old.clusterIP }), ...(old?.clusterIPs === undefined ? {} : { clusterIPs: old.clusterIPs }) };
    }
    await this.#api.replace(path, replacement);
  }
}

export { TemplateError };
