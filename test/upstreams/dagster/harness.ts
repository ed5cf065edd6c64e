// A loopback HTTP server that runs the real Dagster classifier on real requests (target
// normalized as the proxy does) and answers with the classification as JSON, including the
// body the proxy would forward. Plus a fixed-table DagsterLookup and the schema loader.

import http from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GraphQLSchema } from 'graphql';
import { createDagsterClassifier, type DagsterClassifierOptions } from '../../../src/upstreams/dagster/classifier.js';
import type { BackfillScope, DagsterLookup, InstigatorScope, RunScope } from '../../../src/upstreams/dagster/lookup.js';
import { loadDagsterSchema } from '../../../src/upstreams/dagster/schema.js';
import { isChangegateError } from '../../../src/errors.js';
import type { Identity } from '../../../src/identity/types.js';
import { normalizeTarget } from '../../../src/http/normalize.js';

export interface Classified {
  readonly status: number;
  readonly action?: string;
  readonly resource?: Record<string, unknown> & { fields?: Record<string, unknown>[] };
  readonly change?: Record<string, unknown>;
  readonly error?: string;
  readonly reason?: string;
  readonly bodyKind?: string;
  /** The forwarded body when buffered, as text. */
  readonly forwarded?: string;
  /** When the classification asks for a response rewrite: its limit, and what it makes of `x-test-upstream-body`. */
  readonly rewrite?: { readonly maxBytes: number; readonly body?: string };
}


export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 12; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('package.json not found above test/dagster');
}

let schema: GraphQLSchema | undefined;
export function testSchema(): GraphQLSchema {
  const root = repoRoot();
  const path = [join(root, 'test', 'fakes', 'dagster', 'schema.graphql'), join(root, '..', 'shared', 'fixtures', 'dagster', 'schema.graphql')].find((p) => existsSync(p));
  if (path === undefined) throw new Error('Dagster schema.graphql not found');
  schema ??= loadDagsterSchema(path);
  return schema;
}

/** The caller travels in `x-test-user: name[,role...]`; absent = anonymous. */
export function identityFrom(header: string | undefined): Identity {
  if (header === undefined) return { kind: 'anonymous' };
  const [username = 'nobody', ...roles] = header.split(',');
  return { kind: 'authenticated', via: 'oidc', id: username, username, email: `${username}@example.com`, groups: [], roles: roles as never, issuer: 'test', human: true, sessionId: 's' };
}

export class TableLookup implements DagsterLookup {
  readonly runs = new Map<string, RunScope>();
  readonly instigators = new Map<string, InstigatorScope>();
  readonly backfills = new Map<string, BackfillScope>();
  failing = false;
  calls = 0;
  run(runId: string): Promise<RunScope | null> {
    this.calls++;
    if (this.failing) return Promise.reject(new Error('lookup down'));
    return Promise.resolve(this.runs.get(runId) ?? null);
  }
  backfill(backfillId: string): Promise<BackfillScope | null> {
    this.calls++;
    return Promise.resolve(this.backfills.get(backfillId) ?? null);
  }
  instigator(type: 'schedule' | 'sensor', ids: readonly string[]): Promise<InstigatorScope | null> {
    this.calls++;
    for (const id of ids) {
      const hit = this.instigators.get(id);
      if (hit !== undefined && hit.type === type) return Promise.resolve(hit);
    }
    return Promise.resolve(null);
  }
}

export interface ClassifyServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startClassifyServer(options: DagsterClassifierOptions): Promise<ClassifyServer> {
  const classifier = createDagsterClassifier(options);
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => res.writeHead(500).end(String(e)));
  });
  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let out: Classified;
    try {
      const target = normalizeTarget(req.url ?? '/', { maxUrlBytes: 8192 });
      const user = req.headers['x-test-user'];
      const c = await classifier.classify({ upstream: 'dagster', method: req.method ?? 'GET', target, req, identity: identityFrom(typeof user === 'string' ? user : undefined), requestId: 'req-1', clientIp: req.socket.remoteAddress ?? '' });
      out = {
        status: 200,
        action: c.action,
        resource: c.resource as Classified['resource'],
        ...(c.change === undefined ? {} : { change: { ...c.change } }),
        bodyKind: c.body.kind,
        ...(c.body.kind === 'buffered' ? { forwarded: c.body.bytes.toString('utf8') } : {}),
      };
      const rewrite = c.responseRewrite;
      if (rewrite !== undefined) {
        const upstream = req.headers['x-test-upstream-body'];
        out = { ...out, rewrite: { maxBytes: rewrite.maxBytes, ...(typeof upstream === 'string' ? { body: rewrite.rewrite(Buffer.from(upstream, 'utf8')).toString('utf8') } : {}) } };
      }
      if (c.body.kind === 'untouched') req.resume();
    } catch (e) {
      if (!isChangegateError(e)) throw e;
      out = { status: e.status, error: e.code, reason: e.message };
      req.resume();
    }
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify(out));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface Send {
  readonly method?: string;
  readonly path?: string;
  readonly contentType?: string;
  readonly body?: string;
  readonly user?: string;
  readonly headers?: Record<string, string>;
  /** Send the body as bytes with no content type (a string body makes fetch add text/plain). */
  readonly untyped?: boolean;
}

export async function classify(server: ClassifyServer, send: Send): Promise<Classified> {
  const headers: Record<string, string> = { ...send.headers };
  if (send.contentType !== undefined) headers['content-type'] = send.contentType;
  if (send.user !== undefined) headers['x-test-user'] = send.user;
  const res = await fetch(`${server.url}${send.path ?? '/dagster/graphql'}`, { method: send.method ?? 'POST', headers, ...(send.body === undefined ? {} : { body: send.untyped === true ? Buffer.from(send.body) : send.body }) });
  return (await res.json()) as Classified;
}

/** A POST application/json GraphQL request. */
export function gql(query: string, variables?: Record<string, unknown>, operationName?: string, user = 'alice,viewer,operator'): Send {
  return { contentType: 'application/json', user, body: JSON.stringify({ query, ...(variables === undefined ? {} : { variables }), ...(operationName === undefined ? {} : { operationName }) }) };
}
