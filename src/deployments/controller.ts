// The branch-deployment controller: converges what runs (the registry) on what Gerrit says should
// (the open changes of the configured projects). Gerrit's events and pushes through the proxy
// keep it current; a reconcile at start and every `reconcileSeconds` catches what they missed, so
// a dropped webhook or a restart never leaves a deployment orphaned or missing.
//
// Work on one change is serialized (its lane); changes proceed in parallel up to maxConcurrent
// webservers. A new patch set replaces the old webserver only once the new one answers; a change
// that closes has its route taken down first (requests then get 410), its webserver stopped and
// its cleanup run with the same environment. Every step is audited with the change.

import { projectMatcher } from '../util/project-glob.js';
import { checkoutPatchSet, removeCheckouts, type CheckoutRequest } from './checkout.js';
import { closedMessage, DEPLOYMENT_TAG, failedMessage, readyMessage, type LocationStatus } from './messages.js';
import type { DeploymentRecord, DeploymentState, Registry, Serving } from './registry.js';
import { LaunchError, type ChangeSnapshot, type ChangeSource, type Launcher, type LaunchSpec } from './types.js';

/** Audited steps of a deployment's life. */
export type DeploymentStep = 'queued' | 'created' | 'ready' | 'failed' | 'replaced' | 'adopted' | 'closed' | 'cleaned';

export interface DeploymentRoutes {
  /** Routes the deployment's prefix (and host) to `url`; requests in flight on a previous webserver finish there. */
  serve(record: DeploymentRecord, url: string): Promise<void>;
  /** Stops routing to the deployment's webserver (the placeholder answers from then on). */
  unserve(record: DeploymentRecord): Promise<void>;
}

export interface ControllerSettings {
  readonly projects: readonly string[];
  /** With {change}. */
  readonly pathPrefix: string;
  readonly host?: string | undefined;
  readonly workdir: string;
  readonly readyTimeoutMs: number;
  readonly cleanupTimeoutMs: number;
  readonly hasCleanup: boolean;
  readonly maxConcurrent: number;
  readonly reconcileMs: number;
  /** The proxy's public URL: deployment links start here. */
  readonly publicUrl: string;
  readonly verifyLabel?: string | undefined;
}

export interface ControllerDeps {
  readonly settings: ControllerSettings;
  readonly source: ChangeSource & { fetchAuthorization?(): string | undefined };
  readonly launcher: Launcher;
  readonly registry: Registry;
  readonly routes: DeploymentRoutes;
  /** The environment a deployment's webserver and cleanup get (Dagster+'s names and ours). */
  environment(change: ChangeSnapshot, deploymentUrl: string): Record<string, string>;
  /** The webserver's code locations and their load status; a string says why they could not be read. */
  inspect(url: string, pathPrefix: string): Promise<readonly LocationStatus[] | string>;
  /** Writes one durable audit record of a step; a step whose record fails is not taken. */
  audit(step: DeploymentStep, record: DeploymentRecord, details: Readonly<Record<string, unknown>>): Promise<void>;
  /** Told when a deployment becomes ready (change tracking starts from here). */
  onReady?(record: DeploymentRecord): void;
  /** Told when a deployment closes. */
  onClosed?(record: DeploymentRecord): void;
  /** Fetches a patch set's working tree; real git (checkout.ts) unless a test of the loop itself stands in. */
  readonly checkout?: (r: CheckoutRequest) => Promise<string>;
  readonly now: () => Date;
  readonly log: (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, message: string) => void;
}

/** What a Gerrit event (or a push through the proxy) tells the controller. */
export type ChangeSignal = { readonly kind: 'updated'; readonly change: number } | { readonly kind: 'closed'; readonly change: number; readonly reason: 'MERGED' | 'CLOSED' };

export class DeploymentController {
  readonly #d: ControllerDeps;
  readonly #lanes = new Map<number, Promise<void>>();
  readonly #starts = new Map<number, AbortController>();
  /**
   * Changes whose close is signalled but not yet done: an update already waiting in the lane
   * (read from Gerrit before the merge) must not start a webserver the close then tears down.
   */
  readonly #closing = new Map<number, number>();
  readonly #matches: (project: string) => boolean;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #reconciling: Promise<void> | undefined;

  constructor(deps: ControllerDeps) {
    this.#d = deps;
    this.#matches = projectMatcher(deps.settings.projects);
  }

  /** Adopts what the registry says runs, then reconciles, then keeps reconciling. */
  async start(): Promise<void> {
    for (const record of this.#d.registry.list()) this.#enqueue(record.change.number, () => this.#adopt(record.change.number));
    await this.settled();
    void this.reconcile();
    this.#timer = setInterval(() => void this.reconcile(), this.#d.settings.reconcileMs);
    this.#timer.unref();
  }

  /** Stops the loop. Webservers keep running (the next start adopts them); starts in flight are abandoned. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    for (const a of this.#starts.values()) a.abort(new Error('Changegate is shutting down'));
    await this.settled();
  }

  list(): readonly DeploymentRecord[] {
    return this.#d.registry.list();
  }

  get(change: number): DeploymentRecord | undefined {
    return this.#d.registry.get(change);
  }

  /** The public link of a change's deployment. */
  link(change: number): string {
    return deploymentLink(this.#d.settings, change);
  }

  /** Resolves when every lane is idle (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#lanes.size > 0) await Promise.allSettled([...this.#lanes.values()]);
  }

  /** One pass: desired state from Gerrit, actual from the registry, converge. */
  reconcile(): Promise<void> {
    return (this.#reconciling ??= this.#reconcile().finally(() => (this.#reconciling = undefined)));
  }

  signal(s: ChangeSignal): void {
    if (this.#stopped) return;
    if (s.kind === 'closed') {
      this.#starts.get(s.change)?.abort(new Error(`the change was ${s.reason === 'MERGED' ? 'merged' : 'abandoned'}`));
      this.#closing.set(s.change, (this.#closing.get(s.change) ?? 0) + 1);
      this.#enqueue(s.change, () =>
        this.#close(s.change, s.reason).finally(() => {
          const left = (this.#closing.get(s.change) ?? 1) - 1;
          if (left === 0) this.#closing.delete(s.change);
          else this.#closing.set(s.change, left);
        }),
      );
      return;
    }
    this.#enqueue(s.change, async () => {
      const change = await this.#d.source.change(s.change);
      if (change === undefined || !this.#wanted(change)) return;
      if (change.status === 'OPEN') await this.#ensure(change);
      else await this.#close(change.number, change.status);
    });
  }

  async #reconcile(): Promise<void> {
    if (this.#stopped) return;
    let open: readonly ChangeSnapshot[];
    try {
      open = await this.#d.source.openChanges(this.#d.settings.projects);
    } catch (e) {
      this.#d.log('warn', { component: 'deployments', err: message(e) }, 'could not read the open changes from Gerrit; will try again');
      return;
    }
    const byNumber = new Map(open.map((c) => [c.number, c]));
    for (const record of this.#d.registry.list()) {
      if (record.state.status === 'closed' || byNumber.has(record.change.number)) continue;
      // Gone from the open list: ask what became of it (merged, abandoned, or hidden from us).
      this.#enqueue(record.change.number, async () => {
        const now = await this.#d.source.change(record.change.number);
        await this.#close(record.change.number, now === undefined || now.status === 'OPEN' ? 'CLOSED' : now.status);
      });
    }
    for (const change of open) this.#enqueue(change.number, () => this.#ensure(change));
    await this.settled();
  }

  #wanted(change: ChangeSnapshot): boolean {
    return this.#matches(change.project);
  }

  #enqueue(change: number, work: () => Promise<void>): void {
    const previous = this.#lanes.get(change) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((e: unknown) => this.#d.log('error', { component: 'deployments', change, err: message(e) }, 'deployment step failed'))
      .finally(() => {
        if (this.#lanes.get(change) === next) this.#lanes.delete(change);
      });
    this.#lanes.set(change, next);
  }

  /** After a restart: keep a webserver that still answers, start again one that does not. */
  async #adopt(number: number): Promise<void> {
    const record = this.#d.registry.get(number);
    if (record === undefined || record.state.status === 'closed') return;
    const serving = servingOf(record.state);
    if (serving !== undefined && (await this.#d.launcher.alive(serving.handle))) {
      await this.#d.routes.serve(record, serving.url);
      if (record.state.status === 'ready') {
        await this.#d.audit('adopted', record, { patchset: serving.patchset, url: serving.url });
        return;
      }
    }
    // Starting when we stopped, or its webserver is gone: start it again from scratch.
    await this.#put(record, serving !== undefined && (await this.#d.launcher.alive(serving.handle)) ? { status: 'queued', serving } : { status: 'queued' });
    await this.#ensure(record.change, true);
  }

  async #ensure(change: ChangeSnapshot, force = false): Promise<void> {
    if (this.#stopped || change.status !== 'OPEN' || this.#closing.has(change.number)) return;
    const record = this.#d.registry.get(change.number);
    const state = record?.state;
    const samePatchset = record !== undefined && record.change.patchset === change.patchset && record.change.commit.sha === change.commit.sha;
    if (!force && samePatchset && state !== undefined && state.status !== 'closed' && state.status !== 'queued') {
      // Same patch set: only people and reviewers may have changed (policy reads them).
      if (JSON.stringify(record.change.reviewers) !== JSON.stringify(change.reviewers)) await this.#put({ ...record, change }, state);
      return;
    }
    if (!force && samePatchset && state?.status === 'queued' && !this.#hasRoom(change.number)) return;
    await this.#deploy(change, record);
  }

  #hasRoom(except: number): boolean {
    const busy = this.#d.registry.list().filter((r) => r.change.number !== except && (r.state.status === 'starting' || servingOf(r.state) !== undefined)).length;
    return busy < this.#d.settings.maxConcurrent;
  }

  async #deploy(change: ChangeSnapshot, previous: DeploymentRecord | undefined): Promise<void> {
    const serving = previous === undefined ? undefined : servingOf(previous.state);
    const base = this.#record(change, previous);
    if (serving === undefined && !this.#hasRoom(change.number)) {
      if (previous?.state.status !== 'queued' || previous.change.patchset !== change.patchset) {
        const queued = await this.#put(base, { status: 'queued' });
        await this.#d.audit('queued', queued, { maxConcurrent: this.#d.settings.maxConcurrent });
      }
      return;
    }
    const starting = await this.#put(base, { status: 'starting', since: this.#iso(), ...(serving === undefined ? {} : { serving }) });
    await this.#d.audit('created', starting, { patchset: change.patchset, sha: change.commit.sha, ...(serving === undefined ? {} : { replacing: serving.patchset }) });
    const abort = new AbortController();
    this.#starts.set(change.number, abort);
    let url: string;
    let handle: Serving['handle'];
    try {
      const checkout = await (this.#d.checkout ?? checkoutPatchSet)({
        workdir: this.#d.settings.workdir,
        change: change.number,
        patchset: change.patchset,
        url: this.#d.source.fetchUrl(change.project),
        ref: change.ref,
        sha: change.commit.sha,
        authorization: this.#d.source.fetchAuthorization?.(),
        timeoutMs: Math.min(this.#d.settings.readyTimeoutMs, 120_000),
      });
      abort.signal.throwIfAborted();
      const running = await this.#d.launcher.start(this.#spec(starting, checkout), abort.signal);
      url = running.url;
      handle = running.handle;
    } catch (e) {
      const output = e instanceof LaunchError ? e.output : '';
      const failed = await this.#put(starting, { status: 'failed', at: this.#iso(), error: message(e), output: output.slice(-16_384), ...(serving === undefined ? {} : { serving }) });
      await this.#d.audit('failed', failed, { patchset: change.patchset, error: message(e) });
      if (!abort.signal.aborted) await this.#post(change, failedMessage(change, message(e), output), -1);
      // A start that failed with nothing serving holds no slot any more.
      if (serving === undefined) this.#startQueued();
      return;
    } finally {
      this.#starts.delete(change.number);
    }
    const next: Serving = { patchset: change.patchset, sha: change.commit.sha, url, handle, readyAt: this.#iso() };
    // The route first: once the registry says ready, requests reach the new webserver.
    await this.#d.routes.serve({ ...starting, state: { status: 'ready', serving: next } }, url);
    const ready = await this.#put(starting, { status: 'ready', serving: next });
    await this.#d.audit('ready', ready, { patchset: change.patchset, url, link: this.link(change.number) });
    if (serving !== undefined) {
      await this.#d.launcher.stop(serving.handle);
      await this.#d.audit('replaced', ready, { patchset: serving.patchset, by: change.patchset });
    }
    const locations = await this.#d.inspect(url, ready.pathPrefix).catch((e: unknown) => message(e));
    // No code location at all is a workspace that loads nothing: not a pass.
    const allLoaded = typeof locations !== 'string' && locations.length > 0 && locations.every((l) => l.loaded);
    await this.#post(change, readyMessage(change, this.link(change.number), locations), allLoaded ? 1 : -1);
    this.#d.onReady?.(ready);
  }

  async #close(number: number, reason: 'MERGED' | 'CLOSED'): Promise<void> {
    const record = this.#d.registry.get(number);
    if (record === undefined || record.state.status === 'closed') return;
    const serving = servingOf(record.state);
    const change: ChangeSnapshot = { ...record.change, status: reason };
    // The route goes first: from here on requests get 410, not a webserver about to vanish.
    const closed = await this.#put({ ...record, change }, { status: 'closed', at: this.#iso(), reason });
    await this.#d.routes.unserve(closed);
    await this.#d.audit('closed', closed, { reason, ...(serving === undefined ? {} : { patchset: serving.patchset }) });
    if (serving !== undefined) await this.#d.launcher.stop(serving.handle);
    let cleanup;
    if (this.#d.settings.hasCleanup) {
      const checkout = `${this.#d.settings.workdir}/${number}/${record.change.patchset}`;
      cleanup = await this.#d.launcher.cleanup(this.#spec(closed, checkout), this.#d.settings.cleanupTimeoutMs);
      const cleaned = await this.#put(closed, { status: 'closed', at: this.#iso(), reason, cleanup });
      await this.#d.audit('cleaned', cleaned, { ok: cleanup.ok, exitCode: cleanup.exitCode });
    }
    await removeCheckouts(this.#d.settings.workdir, number).catch(() => undefined);
    await this.#post(change, closedMessage(change, reason, cleanup));
    this.#d.onClosed?.(closed);
    this.#startQueued();
  }

  /** A slot is free: the first queued change may start. */
  #startQueued(): void {
    const queued = this.#d.registry.list().find((r) => r.state.status === 'queued');
    if (queued !== undefined) this.#enqueue(queued.change.number, () => this.#ensure(queued.change));
  }

  #spec(record: DeploymentRecord, checkout: string): LaunchSpec {
    const link = this.link(record.change.number);
    return {
      name: record.name,
      change: record.change.number,
      patchset: record.change.patchset,
      checkout,
      pathPrefix: record.pathPrefix,
      env: this.#d.environment(record.change, link),
      placeholders: { change: String(record.change.number), patchset: String(record.change.patchset), pathPrefix: record.pathPrefix, checkout, name: record.name },
      readyTimeoutMs: this.#d.settings.readyTimeoutMs,
    };
  }

  #record(change: ChangeSnapshot, previous: DeploymentRecord | undefined): DeploymentRecord {
    const s = this.#d.settings;
    const now = this.#iso();
    return {
      name: deploymentName(change.number),
      change,
      pathPrefix: fill(s.pathPrefix, change.number),
      ...(s.host === undefined ? {} : { host: fill(s.host, change.number) }),
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      state: previous?.state ?? { status: 'queued' },
    };
  }

  async #put(record: DeploymentRecord, state: DeploymentState): Promise<DeploymentRecord> {
    const next: DeploymentRecord = { ...record, updatedAt: this.#iso(), state };
    await this.#d.registry.put(next);
    return next;
  }

  /** Posts on the change; a Gerrit that cannot be reached costs a log line, never the deployment. */
  async #post(change: ChangeSnapshot, text: string, vote?: number): Promise<void> {
    const label = this.#d.settings.verifyLabel;
    try {
      await this.#d.source.post({ change: change.number, patchset: change.patchset, tag: DEPLOYMENT_TAG, message: text, ...(label === undefined || vote === undefined ? {} : { labels: { [label]: vote } }) });
    } catch (e) {
      this.#d.log('warn', { component: 'deployments', change: change.number, err: message(e) }, 'could not post on the Gerrit change');
    }
  }

  #iso(): string {
    return this.#d.now().toISOString();
  }
}

export function deploymentName(change: number): string {
  return `gerrit-change-${change}`;
}

export function deploymentLink(s: Pick<ControllerSettings, 'publicUrl' | 'pathPrefix' | 'host'>, change: number): string {
  const base = new URL(s.publicUrl);
  if (s.host !== undefined) base.host = fill(s.host, change);
  return `${base.origin}${fill(s.pathPrefix, change)}/`;
}

function fill(template: string, change: number): string {
  return template.replaceAll('{change}', String(change));
}

export function servingOf(state: DeploymentState): Serving | undefined {
  return state.status === 'closed' ? undefined : state.serving;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
