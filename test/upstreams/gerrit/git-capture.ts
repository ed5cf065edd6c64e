// Captures the exact bytes a real `git push` sends: a loopback smart-HTTP server backed by the
// real `git http-backend` over a bare repository, recording every receive-pack request body.
// Bodies are buffered (tests push small repositories), then handed to the CGI whole.

import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface CaptureServer {
  readonly url: string;
  readonly requests: CapturedRequest[];
  /** Receive-pack POST bodies only, in order. */
  pushes(): CapturedRequest[];
  close(): Promise<void>;
}

export async function startCaptureServer(projectRoot: string, env: Readonly<Record<string, string>>): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
      void cgi(req, body, projectRoot, env).then(
        (out) => relay(out, res),
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    pushes: () => requests.filter((r) => r.method === 'POST' && r.url.includes('git-receive-pack')),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function cgi(req: http.IncomingMessage, body: Buffer, projectRoot: string, env: Readonly<Record<string, string>>): Promise<Buffer> {
  const url = new URL(req.url ?? '/', 'http://x');
  const child = spawn('git', ['http-backend'], {
    env: {
      ...env,
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.slice(1),
      REMOTE_USER: 'tester',
      REMOTE_ADDR: '127.0.0.1',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      CONTENT_LENGTH: String(body.length),
      ...(req.headers['content-encoding'] === undefined ? {} : { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] }),
      ...(typeof req.headers['git-protocol'] === 'string' ? { GIT_PROTOCOL: req.headers['git-protocol'] } : {}),
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const out: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stdin.on('error', () => undefined);
  child.stdin.end(body);
  return new Promise((resolve) => child.on('close', () => resolve(Buffer.concat(out))));
}

function relay(out: Buffer, res: http.ServerResponse): void {
  const split = out.indexOf('\r\n\r\n');
  const headEnd = split >= 0 ? split : out.indexOf('\n\n');
  const sep = split >= 0 ? 4 : 2;
  if (headEnd < 0) return void res.writeHead(500).end('bad CGI output');
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of out.subarray(0, headEnd).toString('latin1').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
    else headers[name] = value;
  }
  res.writeHead(status, headers).end(out.subarray(headEnd + sep));
}
