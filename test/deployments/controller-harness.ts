// The branch-deployment controller with every seam faked: a ChangeSource over a map the test
// edits, a Launcher whose starts wait on deferred promises the test settles, an in-memory routes
// port, an array audit, and the real registry in a temporary directory. One `events` list records
// what happened across them, in order, so a test can say "the old one stopped after the new one
// was routed".

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeploymentController, type ControllerSettings, type DeploymentStep } from '../../src/deployments/controller.js';
import type { LocationStatus } from '../../src/deployments/messages.js';
import { Registry, type DeploymentRecord } from '../../src/deployments/registry.js';
import { LaunchError, type ChangeMessage, type ChangeSnapshot, type ChangeSource, type CleanupResult, type Launcher, type LaunchSpec, type RunningWebserver } from '../../src/deployments/types.js';
import type { CheckoutRequest } from '../../src/deployments/checkout.js';

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(e: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A start the controller gave up on may be rejected with nobody listening.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export function snapshot(number: number, patchset: number, over: Partial<ChangeSnapshot> = {}): ChangeSnapshot {
  return {
    number,
    id: `I${number.toString(16).padStart(40, '0')}`,
    project: 'data/pipelines',
    branch: 'main',
    status: 'OPEN',
    owner: 'bob',
    reviewers: [],
    patchset,
    ref: `refs/changes/${String(number % 100).padStart(2, '0')}/${number}/${patchset}`,
    commit: { sha: `${number.toString(16).padStart(20, '0')}${patchset.toString(16).padStart(20, '0')}`, timestamp: '2026-01-02T03:04:05Z', authorName: 'Bob', authorEmail: 'bob@example.com', message: 'Add a thing' },
    ...over,
  };
}

export class FakeSource implements ChangeSource {
  /** What Gerrit knows; a change missing here is one Gerrit hides from us. */
  readonly changes = new Map<number, ChangeSnapshot>();
  readonly posts: ChangeMessage[] = [];
  openCalls = 0;
  changeCalls = 0;
  unreachable = false;
  postFails = false;
  /** When set, openChanges waits on it (single-flight tests). */
  gate: Deferred<void> | undefined;
  /** When set, change() reads Gerrit, then waits on it before answering (a read racing an event). */
  changeGate: Deferred<void> | undefined;

  set(c: ChangeSnapshot): void {
    this.changes.set(c.number, c);
  }

  async openChanges(): Promise<readonly ChangeSnapshot[]> {
    this.openCalls += 1;
    if (this.gate !== undefined) await this.gate.promise;
    if (this.unreachable) throw new Error('connect ECONNREFUSED 127.0.0.1:8081');
    // Gerrit's query already narrows to the projects; the controller matches again for events.
    return [...this.changes.values()].filter((c) => c.status === 'OPEN' && c.project.startsWith('data/'));
  }

  async change(number: number): Promise<ChangeSnapshot | undefined> {
    if (this.unreachable) throw new Error('connect ECONNREFUSED 127.0.0.1:8081');
    this.changeCalls += 1;
    const answer = this.changes.get(number);
    if (this.changeGate !== undefined) await this.changeGate.promise;
    return answer;
  }

  fetchUrl(project: string): string {
    return `http://gerrit.invalid/a/${project}`;
  }

  async post(m: ChangeMessage): Promise<void> {
    if (this.postFails) throw new Error('Gerrit answered 503');
    this.posts.push(m);
  }
}

export interface PendingStart {
  readonly spec: LaunchSpec;
  readonly signal: AbortSignal | undefined;
  readonly result: Deferred<RunningWebserver>;
}

export class FakeLauncher implements Launcher {
  readonly kind = 'process' as const;
  readonly starts: PendingStart[] = [];
  readonly stopped: string[] = [];
  readonly cleanups: LaunchSpec[] = [];
  readonly alive_ = new Set<string>();

  constructor(private readonly events: string[]) {}

  start(spec: LaunchSpec, signal?: AbortSignal): Promise<RunningWebserver> {
    const result = deferred<RunningWebserver>();
    this.starts.push({ spec, signal, result });
    this.events.push(`start ${spec.change}/${spec.patchset}`);
    // As a real launcher does: an abort ends the wait (and whatever it had started).
    signal?.addEventListener('abort', () => result.reject(new LaunchError(`start aborted: ${String((signal.reason as Error)?.message)}`, '')), { once: true });
    return result.promise;
  }

  /** Makes the pending start of change/patchset answer. */
  ready(change: number, patchset: number): void {
    const id = `${change}/${patchset}`;
    this.pending(change, patchset).result.resolve({ url: `http://ws-${change}-${patchset}.test`, handle: { id } });
    this.alive_.add(id);
  }

  fail(change: number, patchset: number, output = 'Traceback: ImportError: no module named finance\n'): void {
    this.pending(change, patchset).result.reject(new LaunchError('the webserver exited with code 1 before it answered', output));
  }

  pending(change: number, patchset: number): PendingStart {
    const found = this.starts.findLast((s) => s.spec.change === change && s.spec.patchset === patchset);
    if (found === undefined) throw new Error(`no start of ${change}/${patchset}`);
    return found;
  }

  async stop(handle: RunningWebserver['handle']): Promise<void> {
    this.stopped.push(String(handle['id']));
    this.alive_.delete(String(handle['id']));
    this.events.push(`stop ${String(handle['id'])}`);
  }

  async alive(handle: RunningWebserver['handle']): Promise<boolean> {
    return this.alive_.has(String(handle['id']));
  }

  async cleanup(spec: LaunchSpec): Promise<CleanupResult> {
    this.cleanups.push(spec);
    this.events.push(`cleanup ${spec.change}`);
    return { ok: true, exitCode: 0, output: 'dropped schema\n' };
  }
}

export interface Harness {
  readonly controller: DeploymentController;
  readonly source: FakeSource;
  readonly launcher: FakeLauncher;
  readonly registry: Registry;
  readonly events: string[];
  readonly audits: { step: DeploymentStep; change: number; status: string; details: Readonly<Record<string, unknown>> }[];
  readonly logs: { level: string; message: string; fields: Record<string, unknown> }[];
  readonly checkouts: CheckoutRequest[];
  /** What `inspect` answers (default: one location, loaded). */
  locations: readonly LocationStatus[] | string;
  steps(change: number): DeploymentStep[];
  state(change: number): DeploymentRecord['state'] | undefined;
  dispose(): Promise<void>;
}

export async function harness(settings: Partial<ControllerSettings> = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'changegate-controller-'));
  const registry = await Registry.open(join(dir, 'state'));
  const events: string[] = [];
  const source = new FakeSource();
  const launcher = new FakeLauncher(events);
  const audits: Harness['audits'] = [];
  const logs: Harness['logs'] = [];
  const checkouts: CheckoutRequest[] = [];
  let clock = Date.parse('2026-03-01T12:00:00Z');
  const h: Harness = {
    source,
    launcher,
    registry,
    events,
    audits,
    logs,
    checkouts,
    locations: [{ name: 'finance', loaded: true }],
    steps: (change) => audits.filter((a) => a.change === change).map((a) => a.step),
    state: (change) => registry.get(change)?.state,
    dispose: async () => {
      await h.controller.stop();
      await rm(dir, { recursive: true, force: true });
    },
    controller: new DeploymentController({
      settings: {
        projects: ['data/*'],
        pathPrefix: '/dagster/changes/{change}',
        workdir: join(dir, 'work'),
        readyTimeoutMs: 5_000,
        cleanupTimeoutMs: 5_000,
        hasCleanup: true,
        maxConcurrent: 10,
        reconcileMs: 3_600_000,
        publicUrl: 'https://changegate.example.com',
        verifyLabel: 'Verified',
        ...settings,
      },
      source,
      launcher,
      registry,
      routes: {
        serve: async (record, url) => void events.push(`serve ${record.change.number} ${url}`),
        unserve: async (record) => void events.push(`unserve ${record.change.number}`),
      },
      environment: (change, link) => ({ DAGSTER_CLOUD_PULL_REQUEST_ID: String(change.number), CHANGEGATE_DEPLOYMENT_URL: link }),
      inspect: async () => h.locations,
      audit: async (step, record, details) => {
        audits.push({ step, change: record.change.number, status: record.state.status, details });
        events.push(`audit ${step} ${record.change.number}`);
      },
      checkout: async (r) => {
        checkouts.push(r);
        return join(dir, 'work', String(r.change), String(r.patchset));
      },
      now: () => new Date((clock += 1000)),
      log: (level, fields, message) => void logs.push({ level, message, fields }),
    }),
  };
  return h;
}
