// The fake API server's objects and the little of a cluster's controllers it imitates: a pod per
// Deployment and per Job, whose status the test sets.

export type Obj = Record<string, any>; // the fake handles loose JSON, as the API server does before validation

export type Resource = 'deployments' | 'services' | 'pods' | 'jobs';

/** What a Deployment's pods do, set by the test. */
export type PodBehaviour =
  | { readonly kind: 'pending' }
  | { readonly kind: 'ready'; readonly log?: string }
  | { readonly kind: 'waiting'; readonly reason: string; readonly message?: string; readonly log?: string; readonly restartCount?: number };

/** What a Job's pod does, set by the test. */
export type JobBehaviour = { readonly kind: 'running'; readonly log?: string } | { readonly kind: 'succeeded' | 'failed'; readonly log: string; readonly exitCode: number };

const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';

export class Store {
  readonly #objects = new Map<Resource, Map<string, Obj>>();
  /** Container name -> log text, per pod. */
  readonly logs = new Map<string, Map<string, string>>();
  #version = 1000;
  #counter = 0;

  constructor() {
    for (const r of ['deployments', 'services', 'pods', 'jobs'] as const) this.#objects.set(r, new Map());
  }

  nextVersion(): string {
    return String(++this.#version);
  }

  /** Deterministic "random" suffixes, as the API server's generateName makes them. */
  suffix(length: number): string {
    let n = ++this.#counter * 7919;
    let out = '';
    for (let i = 0; i < length; i++) {
      out += SUFFIX[n % SUFFIX.length];
      n = Math.floor(n / SUFFIX.length) + i * 13;
    }
    return out;
  }

  map(r: Resource): Map<string, Obj> {
    return this.#objects.get(r)!;
  }

  get(r: Resource, ns: string, name: string): Obj | undefined {
    return this.map(r).get(`${ns}/${name}`);
  }

  put(r: Resource, obj: Obj): void {
    this.map(r).set(`${obj.metadata.namespace}/${obj.metadata.name}`, obj);
  }

  remove(r: Resource, ns: string, name: string): Obj | undefined {
    const key = `${ns}/${name}`;
    const obj = this.map(r).get(key);
    this.map(r).delete(key);
    if (r === 'pods') this.logs.delete(key);
    return obj;
  }

  list(r: Resource, ns: string): Obj[] {
    return [...this.map(r).values()].filter((o) => o.metadata.namespace === ns);
  }

  podsOf(ns: string, labels: Record<string, string>): Obj[] {
    return this.list('pods', ns).filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v));
  }

  addPod(ns: string, name: string, labels: Record<string, string>, containers: string[]): Obj {
    const pod: Obj = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels, uid: `uid-${name}`, resourceVersion: this.nextVersion() },
      spec: { containers: containers.map((c) => ({ name: c })) },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
    };
    this.put('pods', pod);
    return pod;
  }

  setLog(pod: Obj, container: string, text: string): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const logs = this.logs.get(key) ?? new Map<string, string>();
    logs.set(container, text);
    this.logs.set(key, logs);
  }
}

export function applyPodBehaviour(store: Store, deployment: Obj, b: PodBehaviour): void {
  const ns = deployment.metadata.namespace;
  const pods = store.podsOf(ns, deployment.spec.selector.matchLabels);
  const containers: string[] = deployment.spec.template.spec.containers.map((c: Obj) => c.name);
  for (const pod of pods) {
    const statuses = containers.map((name) => {
      switch (b.kind) {
        case 'pending':
          return { name, ready: false, restartCount: 0, image: '', state: { waiting: { reason: 'ContainerCreating' } } };
        case 'ready':
          return { name, ready: true, restartCount: 0, image: '', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } };
        case 'waiting':
          return { name, ready: false, restartCount: b.restartCount ?? 0, image: '', state: { waiting: { reason: b.reason, ...(b.message === undefined ? {} : { message: b.message }) } } };
      }
    });
    const ready = b.kind === 'ready' ? 'True' : 'False';
    pod.status = {
      phase: b.kind === 'ready' || (b.kind === 'waiting' && b.reason === 'CrashLoopBackOff') ? 'Running' : 'Pending',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Initialized', status: 'True' },
        { type: 'ContainersReady', status: ready },
        { type: 'Ready', status: ready },
      ],
      containerStatuses: statuses,
    };
    pod.metadata.resourceVersion = store.nextVersion();
    if ((b.kind === 'ready' || b.kind === 'waiting') && b.log !== undefined) for (const c of containers) store.setLog(pod, c, b.log);
  }
  const available = b.kind === 'ready' ? pods.length : 0;
  deployment.status = { observedGeneration: 1, replicas: pods.length, readyReplicas: available, availableReplicas: available, unavailableReplicas: pods.length - available };
  if (available === 0) delete deployment.status.availableReplicas;
}

export function applyJobBehaviour(store: Store, job: Obj, b: JobBehaviour): void {
  const ns = job.metadata.namespace;
  const pods = store.podsOf(ns, { 'job-name': job.metadata.name });
  for (const pod of pods) {
    if (b.log !== undefined) store.setLog(pod, 'cleanup', b.log);
    if (b.kind === 'running') {
      pod.status = { phase: 'Running', containerStatuses: [{ name: 'cleanup', ready: true, restartCount: 0, state: { running: {} } }] };
    } else {
      pod.status = {
        phase: b.kind === 'succeeded' ? 'Succeeded' : 'Failed',
        containerStatuses: [{ name: 'cleanup', ready: false, restartCount: 0, state: { terminated: { exitCode: b.exitCode, reason: b.kind === 'succeeded' ? 'Completed' : 'Error' } } }],
      };
    }
  }
  job.status =
    b.kind === 'running'
      ? { active: 1 }
      : b.kind === 'succeeded'
        ? { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }
        : { failed: 1, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] };
}
