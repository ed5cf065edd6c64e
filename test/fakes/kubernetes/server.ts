// A fake Kubernetes API server (node:http) for the kubernetes launcher's tests; see SOURCE.md.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyJobBehaviour, applyPodBehaviour, Store, type JobBehaviour, type Obj, type PodBehaviour, type Resource } from './store.js';

export type { JobBehaviour, PodBehaviour } from './store.js';

export interface KubeCall {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface FakeKubernetes {
  readonly url: string;
  readonly token: string;
  readonly calls: KubeCall[];
  /** Objects of a kind in a namespace, as stored. */
  objects(resource: Resource, namespace: string): Obj[];
  object(resource: Resource, namespace: string, name: string): Obj | undefined;
  /** What a new Deployment's pod does (default: pending until the test says otherwise). */
  podsOnCreate: PodBehaviour;
  /** What a new Job's pod does (default: running). */
  jobsOnCreate: JobBehaviour;
  setPods(namespace: string, deployment: string, behaviour: PodBehaviour): void;
  setJob(namespace: string, job: string, behaviour: JobBehaviour): void;
  close(): Promise<void>;
}

const MAX_BODY = 3 * 1024 * 1024;
const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

class ApiFailure extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

function status(code: number, reason: string, message: string): Obj {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

const KINDS: Record<Exclude<Resource, 'pods'>, { kind: string; apiVersion: string; group: string }> = {
  deployments: { kind: 'Deployment', apiVersion: 'apps/v1', group: 'apps' },
  services: { kind: 'Service', apiVersion: 'v1', group: '' },
  jobs: { kind: 'Job', apiVersion: 'batch/v1', group: 'batch' },
};

function route(path: string): { resource: Resource; ns: string; name?: string; log?: true } | undefined {
  const m =
    /^\/apis\/(apps|batch)\/v1\/namespaces\/([^/]+)\/(deployments|jobs)(?:\/([^/]+))?$/.exec(path) ??
    /^\/api()\/v1\/namespaces\/([^/]+)\/(services|pods)(?:\/([^/]+)(\/log)?)?$/.exec(path);
  if (m === null) return undefined;
  const [, group, ns, resource, name, log] = m;
  if ((resource === 'deployments' && group !== 'apps') || (resource === 'jobs' && group !== 'batch')) return undefined;
  return { resource: resource as Resource, ns: decodeURIComponent(ns!), ...(name === undefined ? {} : { name: decodeURIComponent(name) }), ...(log === undefined ? {} : { log: true as const }) };
}

function matches(labels: Record<string, string> | undefined, selector: string): boolean {
  if (selector === '') return true;
  return selector.split(',').every((term) => {
    const ne = /^([^!=]+)!=(.*)$/.exec(term);
    if (ne !== null) return labels?.[ne[1]!] !== ne[2];
    const eq = /^([^!=]+)==?(.*)$/.exec(term);
    if (eq === null) throw new ApiFailure(400, 'BadRequest', `unable to parse requirement: ${term}`);
    return labels?.[eq[1]!] === eq[2];
  });
}

export async function startFakeKubernetes(options: { token?: string } = {}): Promise<FakeKubernetes> {
  const token = options.token ?? 'fake-service-account-token';
  const store = new Store();
  const calls: KubeCall[] = [];

  const fake = {
    url: '',
    token,
    calls,
    podsOnCreate: { kind: 'pending' } as PodBehaviour,
    jobsOnCreate: { kind: 'running' } as JobBehaviour,
    objects: (r: Resource, ns: string) => store.list(r, ns),
    object: (r: Resource, ns: string, name: string) => store.get(r, ns, name),
    setPods(ns: string, deployment: string, b: PodBehaviour) {
      const d = store.get('deployments', ns, deployment);
      if (d === undefined) throw new Error(`no deployment ${ns}/${deployment}`);
      applyPodBehaviour(store, d, b);
    },
    setJob(ns: string, job: string, b: JobBehaviour) {
      const j = store.get('jobs', ns, job);
      if (j === undefined) throw new Error(`no job ${ns}/${job}`);
      applyJobBehaviour(store, j, b);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function create(resource: Exclude<Resource, 'pods'>, ns: string, body: Obj): Obj {
    const { kind, apiVersion } = KINDS[resource];
    if (body?.kind !== kind || body?.apiVersion !== apiVersion) throw new ApiFailure(400, 'BadRequest', `the object is not a ${apiVersion} ${kind}`);
    const meta = body.metadata ?? {};
    if (meta.namespace !== undefined && meta.namespace !== ns) throw new ApiFailure(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    let name: string | undefined = meta.name;
    if (name === undefined && typeof meta.generateName === 'string') name = meta.generateName + store.suffix(5);
    if (typeof name !== 'string' || !DNS_1123.test(name) || name.length > 63) {
      throw new ApiFailure(422, 'Invalid', `${kind} "${String(name)}" is invalid: metadata.name: Invalid value: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'`);
    }
    if (store.get(resource, ns, name) !== undefined) throw new ApiFailure(409, 'AlreadyExists', `${resource}${KINDS[resource].group ? `.${KINDS[resource].group}` : ''} "${name}" already exists`);
    validate(resource, body, name);
    const obj: Obj = structuredClone(body);
    obj.metadata = { ...meta, name, namespace: ns, uid: `uid-${name}`, resourceVersion: store.nextVersion(), creationTimestamp: '2026-01-01T00:00:00Z', generation: 1 };
    if (resource === 'services') obj.spec.clusterIP = `10.96.0.${store.map('services').size + 10}`;
    store.put(resource, obj);
    if (resource === 'deployments') {
      const labels = obj.spec.template.metadata.labels;
      store.addPod(ns, `${name}-5d8f7c9b6-${store.suffix(5)}`, labels, obj.spec.template.spec.containers.map((c: Obj) => c.name));
      applyPodBehaviour(store, obj, fake.podsOnCreate);
    }
    if (resource === 'jobs') {
      obj.status = {};
      store.addPod(ns, `${name}-${store.suffix(5)}`, { 'job-name': name, 'batch.kubernetes.io/job-name': name, 'controller-uid': obj.metadata.uid }, ['cleanup']);
      applyJobBehaviour(store, obj, fake.jobsOnCreate);
    }
    return obj;
  }

  function validate(resource: Resource, body: Obj, name: string): void {
    if (resource === 'deployments') {
      const selector: Record<string, string> = body.spec?.selector?.matchLabels ?? {};
      const labels: Record<string, string> = body.spec?.template?.metadata?.labels ?? {};
      if (Object.keys(selector).length === 0 || !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
        throw new ApiFailure(422, 'Invalid', `Deployment.apps "${name}" is invalid: spec.template.metadata.labels: Invalid value: selector does not match template labels`);
      }
      if (!Array.isArray(body.spec?.template?.spec?.containers) || body.spec.template.spec.containers.length === 0) {
        throw new ApiFailure(422, 'Invalid', `Deployment.apps "${name}" is invalid: spec.template.spec.containers: Required value`);
      }
    }
    if (resource === 'services' && (!Array.isArray(body.spec?.ports) || body.spec.ports.length === 0)) {
      throw new ApiFailure(422, 'Invalid', `Service "${name}" is invalid: spec.ports: Required value`);
    }
    if (resource === 'jobs' && !Array.isArray(body.spec?.template?.spec?.containers)) {
      throw new ApiFailure(422, 'Invalid', `Job.batch "${name}" is invalid: spec.template.spec.containers: Required value`);
    }
  }

  function replace(resource: Exclude<Resource, 'pods'>, ns: string, name: string, body: Obj): Obj {
    const old = store.get(resource, ns, name);
    if (old === undefined) throw new ApiFailure(404, 'NotFound', `${resource} "${name}" not found`);
    if (body?.metadata?.name !== name) throw new ApiFailure(400, 'BadRequest', 'the name of the object does not match the name on the URL');
    const rv = body.metadata.resourceVersion;
    if (rv !== undefined && rv !== old.metadata.resourceVersion) {
      throw new ApiFailure(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    validate(resource, body, name);
    if (resource === 'services' && body.spec?.clusterIP !== old.spec.clusterIP) {
      throw new ApiFailure(422, 'Invalid', `Service "${name}" is invalid: spec.clusterIP: Invalid value: "${String(body.spec?.clusterIP ?? '')}": field is immutable`);
    }
    const obj: Obj = { ...structuredClone(body), status: old.status };
    obj.metadata = { ...body.metadata, namespace: ns, uid: old.metadata.uid, resourceVersion: store.nextVersion(), creationTimestamp: old.metadata.creationTimestamp };
    store.put(resource, obj);
    return obj;
  }

  function remove(resource: Exclude<Resource, 'pods'>, ns: string, name: string): Obj {
    const obj = store.remove(resource, ns, name);
    if (obj === undefined) throw new ApiFailure(404, 'NotFound', `${resource}${KINDS[resource].group ? `.${KINDS[resource].group}` : ''} "${name}" not found`);
    // The garbage collector's part: dependents go too.
    const owned = resource === 'deployments' ? obj.spec.selector.matchLabels : resource === 'jobs' ? { 'job-name': name } : undefined;
    if (owned !== undefined) for (const p of store.podsOf(ns, owned)) store.remove('pods', ns, p.metadata.name);
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: KINDS[resource].group, kind: resource, uid: obj.metadata.uid } };
  }

  function podLog(ns: string, name: string, query: Record<string, string>): string {
    const pod = store.get('pods', ns, name);
    if (pod === undefined) throw new ApiFailure(404, 'NotFound', `pods "${name}" not found`);
    const containers: string[] = pod.spec.containers.map((c: Obj) => c.name);
    const container = query['container'] ?? (containers.length === 1 ? containers[0] : undefined);
    if (container === undefined) throw new ApiFailure(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
    if (!containers.includes(container)) throw new ApiFailure(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
    const text = store.logs.get(`${ns}/${name}`)?.get(container);
    if (text === undefined) {
      const waiting = (pod.status.containerStatuses ?? []).find((c: Obj) => c.name === container)?.state?.waiting?.reason ?? 'ContainerCreating';
      throw new ApiFailure(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ${waiting}`);
    }
    const lines = text.split(/(?<=\n)/);
    const tail = query['tailLines'] === undefined ? lines : lines.slice(-Number(query['tailLines']));
    const out = tail.join('');
    return query['limitBytes'] === undefined ? out : out.slice(0, Number(query['limitBytes']));
  }

  function handle(method: string, path: string, query: Record<string, string>, body: Obj | undefined): { code: number; json?: Obj; text?: string } {
    const r = route(path);
    if (r === undefined) throw new ApiFailure(404, 'NotFound', 'the server could not find the requested resource');
    const { resource, ns, name } = r;
    if (r.log === true) {
      if (method !== 'GET' || name === undefined) throw new ApiFailure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      return { code: 200, text: podLog(ns, name, query) };
    }
    if (name === undefined) {
      if (method === 'GET') {
        const items = store.list(resource, ns).filter((o) => matches(o.metadata.labels, query['labelSelector'] ?? ''));
        const kind = resource === 'pods' ? 'PodList' : `${KINDS[resource].kind}List`;
        const apiVersion = resource === 'pods' ? 'v1' : KINDS[resource].apiVersion;
        return { code: 200, json: { kind, apiVersion, metadata: { resourceVersion: store.nextVersion() }, items: structuredClone(items) } };
      }
      if (method === 'POST' && resource !== 'pods') return { code: 201, json: create(resource, ns, body ?? {}) };
    } else {
      if (method === 'GET') {
        const obj = store.get(resource, ns, name);
        if (obj === undefined) throw new ApiFailure(404, 'NotFound', `${resource} "${name}" not found`);
        return { code: 200, json: structuredClone(obj) };
      }
      if (method === 'PUT' && resource !== 'pods' && resource !== 'jobs') return { code: 200, json: replace(resource, ns, name, body ?? {}) };
      if (method === 'DELETE' && resource !== 'pods') return { code: 200, json: remove(resource, ns, name) };
    }
    throw new ApiFailure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const query = Object.fromEntries(url.searchParams);
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Obj | undefined;
      const reply = (code: number, json?: Obj, text?: string) => {
        res.writeHead(code, { 'content-type': text === undefined ? 'application/json' : 'text/plain' });
        res.end(text ?? JSON.stringify(json));
      };
      try {
        if (raw !== '') {
          try {
            body = JSON.parse(raw) as Obj;
          } catch {
            throw new ApiFailure(400, 'BadRequest', 'the body of the request was in an unknown format');
          }
        }
        calls.push({ method: req.method ?? '', path: url.pathname, query, body });
        if (size > MAX_BODY) throw new ApiFailure(413, 'RequestEntityTooLarge', 'request entity too large');
        if (req.headers.authorization !== `Bearer ${token}`) throw new ApiFailure(401, 'Unauthorized', 'Unauthorized');
        const out = handle(req.method ?? '', url.pathname, query, body);
        reply(out.code, out.json, out.text);
      } catch (e) {
        const f = e instanceof ApiFailure ? e : new ApiFailure(500, 'InternalError', e instanceof Error ? e.message : String(e));
        reply(f.code, status(f.code, f.reason, f.message));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
