// The few Kubernetes REST calls the launcher makes (create, replace, get, delete, list, a log
// tail), over undici, with a deadline on every request and a cap on every body.
//
// Why not @kubernetes/client-node (the official client): its maintained line (2.x) depends on
// undici 8, which needs Node >= 22.19, and Changegate runs on Node 20; the 1.x line still works
// on Node 20 with ESM, but it is the superseded major, weighs 72 packages / 72 MB (54 MB of
// generated code) for the eleven calls made here, takes ~650 ms to import, reads response bodies
// without a bound, and needs a middleware for a per-request deadline. Everything it would add is
// kubeconfig auth plugins (exec, auth-provider); kubeconfig.ts refuses those with a clear error.
// This file is the one seam: swapping the client in later changes nothing outside it.

import { readFile } from 'node:fs/promises';
import { Agent, request } from 'undici';

export interface KubeConnection {
  /** https://host:port (or http:// for a local proxy such as `kubectl proxy`). */
  readonly server: URL;
  /** A bearer token, or a file to reread it from (in-cluster tokens rotate). */
  readonly token?: { readonly value: string } | { readonly file: string };
  /** PEM bundle that signs the API server's certificate. */
  readonly ca?: string;
  /** PEM client certificate and key (kubeconfig client-certificate auth). */
  readonly clientCert?: { readonly cert: string; readonly key: string };
  readonly insecureSkipTlsVerify?: boolean;
}

/** A non-2xx answer, with the fields of the Kubernetes Status object it carried (when it did). */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    /** Status.reason (NotFound, AlreadyExists, Forbidden, Invalid...), or the HTTP status text. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export type PropagationPolicy = 'Foreground' | 'Background';

export interface KubeApiOptions {
  /** Each request (headers and body) finishes within this (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** A response body longer than this is an error (default 4 MiB). */
  readonly maxBodyBytes?: number;
}

type Query = Readonly<Record<string, string | number | boolean | undefined>>;

const TOKEN_REREAD_MS = 60_000;

export class KubeApi {
  readonly #conn: KubeConnection;
  readonly #agent: Agent;
  readonly #timeoutMs: number;
  readonly #maxBody: number;
  #token: { value: string; readAt: number } | undefined;

  constructor(conn: KubeConnection, options: KubeApiOptions = {}) {
    this.#conn = conn;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
    this.#agent = new Agent({
      connect: {
        ...(conn.ca === undefined ? {} : { ca: conn.ca }),
        ...(conn.clientCert === undefined ? {} : { cert: conn.clientCert.cert, key: conn.clientCert.key }),
        rejectUnauthorized: conn.insecureSkipTlsVerify !== true,
      },
    });
  }

  /** The API server's origin, for messages (never carries credentials). */
  get server(): string {
    return this.#conn.server.origin;
  }

  /** POST; the created object (201), or KubeApiError (409 AlreadyExists, 422 Invalid, ...). */
  create<T>(path: string, body: unknown): Promise<T> {
    return this.#json<T>('POST', path, {}, body);
  }

  /** PUT (replace). */
  replace<T>(path: string, body: unknown): Promise<T> {
    return this.#json<T>('PUT', path, {}, body);
  }

  /** GET one object; undefined on 404. */
  async get<T>(path: string): Promise<T | undefined> {
    try {
      return await this.#json<T>('GET', path, {});
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** GET a collection filtered by a label selector. */
  async list<T>(path: string, labelSelector: string): Promise<readonly T[]> {
    const list = await this.#json<{ items?: T[] | null }>('GET', path, { labelSelector });
    return Array.isArray(list.items) ? list.items : [];
  }

  /** DELETE; false when it was already gone (404), which is what a delete wants anyway. */
  async delete(path: string, propagationPolicy: PropagationPolicy): Promise<boolean> {
    try {
      await this.#json('DELETE', path, {}, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy });
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return false;
      throw e;
    }
  }

  /** GET text (a pod's log). */
  async text(path: string, query: Query): Promise<string> {
    const res = await this.#send('GET', path, query, undefined, 'text/plain');
    return res.body;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #json<T>(method: string, path: string, query: Query, body?: unknown): Promise<T> {
    const res = await this.#send(method, path, query, body, 'application/json');
    try {
      return JSON.parse(res.body) as T;
    } catch {
      throw new KubeApiError(res.status, 'BadResponse', `${method} ${path}: the API server answered ${res.status} with a body that is not JSON`);
    }
  }

  async #send(method: string, path: string, query: Query, body: unknown, accept: string): Promise<{ status: number; body: string }> {
    if (!path.startsWith('/')) throw new TypeError(`not an API path: ${path}`);
    const url = new URL(path, this.#conn.server);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept };
    const token = await this.#bearer();
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const signal = AbortSignal.timeout(this.#timeoutMs);
    let status: number;
    let text: string;
    try {
      const res = await request(url, { method: method as 'GET', headers, body: payload, dispatcher: this.#agent, signal, headersTimeout: this.#timeoutMs, bodyTimeout: this.#timeoutMs });
      status = res.statusCode;
      text = await readCapped(res.body, this.#maxBody);
    } catch (e) {
      if (e instanceof KubeApiError) throw e;
      const why = signal.aborted ? `no answer within ${this.#timeoutMs} ms` : e instanceof Error ? e.message : String(e);
      throw new KubeApiError(0, 'Unreachable', `${method} ${url.pathname} on ${url.origin}: ${why}`);
    }
    if (status >= 200 && status < 300) return { status, body: text };
    throw statusError(method, url.pathname, status, text);
  }

  async #bearer(): Promise<string | undefined> {
    const t = this.#conn.token;
    if (t === undefined) return undefined;
    if ('value' in t) return t.value;
    const now = Date.now();
    if (this.#token === undefined || now - this.#token.readAt > TOKEN_REREAD_MS) {
      this.#token = { value: (await readFile(t.file, 'utf8')).trim(), readAt: now };
    }
    return this.#token.value;
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw new KubeApiError(0, 'BodyTooLarge', `the API server's answer is longer than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The Status object's reason and message when the body is one (bounded: it lands in logs and pages). */
function statusError(method: string, path: string, status: number, text: string): KubeApiError {
  let reason = `HTTP${status}`;
  let message = text.slice(0, 300);
  try {
    const s = JSON.parse(text) as { kind?: unknown; reason?: unknown; message?: unknown };
    if (s.kind === 'Status') {
      if (typeof s.reason === 'string' && s.reason !== '') reason = s.reason.slice(0, 64);
      if (typeof s.message === 'string') message = s.message.slice(0, 500);
    }
  } catch {
    // Not JSON: keep the text's head.
  }
  return new KubeApiError(status, reason, `${method} ${path}: ${status} ${reason}: ${message}`);
}

/** Paths, so no caller builds one by hand. Names are encoded: a pod name comes from the API server. */
const e = encodeURIComponent;
export const paths = {
  deployments: (ns: string) => `/apis/apps/v1/namespaces/${e(ns)}/deployments`,
  deployment: (ns: string, name: string) => `/apis/apps/v1/namespaces/${e(ns)}/deployments/${e(name)}`,
  services: (ns: string) => `/api/v1/namespaces/${e(ns)}/services`,
  service: (ns: string, name: string) => `/api/v1/namespaces/${e(ns)}/services/${e(name)}`,
  pods: (ns: string) => `/api/v1/namespaces/${e(ns)}/pods`,
  podLog: (ns: string, name: string) => `/api/v1/namespaces/${e(ns)}/pods/${e(name)}/log`,
  jobs: (ns: string) => `/apis/batch/v1/namespaces/${e(ns)}/jobs`,
  job: (ns: string, name: string) => `/apis/batch/v1/namespaces/${e(ns)}/jobs/${e(name)}`,
} as const;
