// A loopback HTTP server that runs the real Gerrit classifier on real requests: the target is
// normalized exactly as the proxy does, the classification comes back as JSON, and a body the
// classifier hands on (buffered or stream) is drained and reported, so tests can check that the
// very bytes the client sent would be forwarded.

import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isChangegateError } from '../../../src/errors.js';
import { createGerritClassifier, type GerritClassifierOptions } from '../../../src/upstreams/gerrit/classifier.js';
import type { Identity } from '../../../src/identity/types.js';
import { normalizeTarget } from '../../../src/http/normalize.js';
import type { ForwardBody } from '../../../src/pipeline/types.js';

export interface Classified {
  readonly status: number;
  readonly action?: string;
  readonly resource?: Record<string, unknown>;
  readonly change?: Record<string, unknown>;
  readonly error?: string;
  readonly reason?: string;
  readonly bodyKind?: ForwardBody['kind'];
  /** sha256 of the forwarded body (buffered or stream), hex. */
  readonly bodySha256?: string;
  readonly bodyLength?: number;
}

export interface ClassifyServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** The caller's identity travels in `x-test-user: name[,role...]`; absent = anonymous. */
export function identityFrom(header: string | undefined): Identity {
  if (header === undefined) return { kind: 'anonymous' };
  const [username = 'nobody', ...roles] = header.split(',');
  return { kind: 'authenticated', via: 'oidc', id: username, username, email: `${username}@example.com`, groups: [], roles: roles as never, issuer: 'test', human: true, sessionId: 's' };
}

export async function startClassifyServer(options: GerritClassifierOptions): Promise<ClassifyServer> {
  const classifier = createGerritClassifier(options);
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      res.writeHead(500).end(String(e));
    });
  });
  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let out: Classified;
    try {
      const target = normalizeTarget(req.url ?? '/', { maxUrlBytes: 8192 });
      const c = await classifier.classify({ upstream: 'gerrit', method: req.method ?? 'GET', target, req, identity: identityFrom(header(req, 'x-test-user')), requestId: 'r1', clientIp: req.socket.remoteAddress ?? '' });
      const forwarded = await drain(c.body, req);
      out = { status: 200, action: c.action, resource: c.resource, ...(c.change === undefined ? {} : { change: { ...c.change } }), bodyKind: c.body.kind, ...forwarded };
    } catch (e) {
      if (!isChangegateError(e)) throw e;
      out = { status: e.status, error: e.code, reason: e.message };
      req.resume();
    }
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify(out));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function drain(body: ForwardBody, req: http.IncomingMessage): Promise<{ bodySha256?: string; bodyLength?: number }> {
  const hash = createHash('sha256');
  let length = 0;
  const source: Iterable<Buffer> | AsyncIterable<Buffer> | undefined = body.kind === 'buffered' ? [body.bytes] : body.kind === 'stream' ? (body.stream as AsyncIterable<Buffer>) : undefined;
  if (source === undefined) {
    req.resume();
    return {};
  }
  for await (const chunk of source) {
    hash.update(chunk);
    length += chunk.length;
  }
  return { bodySha256: hash.digest('hex'), bodyLength: length };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface PostOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  readonly user?: string;
  /** Send the body in these many pieces with Transfer-Encoding: chunked. */
  readonly chunks?: number;
}

/** Sends one request and returns the classification. The path is sent exactly as given. */
export function classifyVia(server: ClassifyServer, path: string, options: PostOptions = {}): Promise<Classified> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body);
    const headers: Record<string, string> = { ...options.headers };
    if (options.user !== undefined) headers['x-test-user'] = options.user;
    if (body !== undefined && options.chunks === undefined) headers['content-length'] = String(body.length);
    const req = http.request({ host: '127.0.0.1', port: server.port, method: options.method ?? (body === undefined ? 'GET' : 'POST'), path, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(parts).toString('utf8')) as Classified));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined && options.chunks !== undefined) {
      const size = Math.max(1, Math.ceil(body.length / options.chunks));
      for (let i = 0; i < body.length; i += size) req.write(body.subarray(i, i + size));
    } else if (body !== undefined) req.write(body);
    req.end();
  });
}
