// Runs the real `git http-backend` as a CGI program for one request. Bodies stream both ways with
// backpressure (pipeline), so a pack of any size never sits in memory: a chunked request body
// reaches the CGI as a stream without CONTENT_LENGTH (http-backend then reads to EOF), and a gzip
// Content-Encoding is passed on for http-backend to inflate, as git sends it. The CGI answer's
// `Status:` header becomes the HTTP status.

import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';

export interface CgiRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly projectRoot: string;
  /** `/<project>/info/refs` and the like: the path after any /a/ or /p/ prefix. */
  readonly pathInfo: string;
  readonly query: string;
  readonly remoteUser: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}

const HEADER_LIMIT = 64 * 1024;

export function runHttpBackend(r: CgiRequest): Promise<void> {
  const { req, res } = r;
  const env: NodeJS.ProcessEnv = {
    ...r.env,
    GIT_PROJECT_ROOT: r.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: r.pathInfo,
    QUERY_STRING: r.query,
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    ...(req.headers['content-length'] === undefined ? {} : { CONTENT_LENGTH: req.headers['content-length'] }),
    ...(req.headers['content-encoding'] === undefined ? {} : { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] }),
    ...(typeof req.headers['git-protocol'] === 'string' ? { GIT_PROTOCOL: req.headers['git-protocol'] } : {}),
    ...(r.remoteUser === undefined ? {} : { REMOTE_USER: r.remoteUser }),
  };
  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 64) stderr.push(c);
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const input = pipeline(req, child.stdin).catch(() => undefined);
  const output = relayCgiOutput(child.stdout as AsyncIterable<Buffer>, res);
  return Promise.all([input, output, exited]).then(([, , code]) => {
    if (code !== 0 && !res.headersSent) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`git http-backend failed: ${Buffer.concat(stderr).toString('utf8')}`);
    }
  });
}

/** Parses the CGI header block, then pipes the rest of stdout to the response. */
async function relayCgiOutput(stdout: AsyncIterable<Buffer>, res: ServerResponse): Promise<void> {
  let head = Buffer.alloc(0);
  const iterator = stdout[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) {
      if (head.length > 0 || !res.headersSent) writeHead(res, head.toString('latin1'), Buffer.alloc(0));
      res.end();
      return;
    }
    head = Buffer.concat([head, next.value]);
    const split = headerEnd(head);
    if (split !== undefined) {
      writeHead(res, head.subarray(0, split.at).toString('latin1'), head.subarray(split.at + split.length));
      break;
    }
    if (head.length > HEADER_LIMIT) throw new Error('CGI header block too large');
  }
  // Resume the same iterator: async generator wrapper keeps backpressure (one chunk at a time).
  await pipeline(
    (async function* rest() {
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) return;
        yield next.value;
      }
    })(),
    res,
  );
}

function headerEnd(b: Buffer): { at: number; length: number } | undefined {
  const crlf = b.indexOf('\r\n\r\n');
  const lf = b.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  if (lf >= 0) return { at: lf, length: 2 };
  return undefined;
}

function writeHead(res: ServerResponse, block: string, body: Buffer): void {
  let status = 200;
  const headers: Record<string, string | string[]> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'status') status = Number.parseInt(value, 10) || 500;
    else {
      const prev = headers[name];
      headers[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
    }
  }
  res.writeHead(status, headers);
  if (body.length > 0) res.write(body);
}
