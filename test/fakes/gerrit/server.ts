// The Gerrit stand-in's HTTP front: routes git smart HTTP to `git http-backend`, REST to rest.ts,
// /tools/hooks/commit-msg to our hook, and records every request it receives (method, path,
// identity header, request id, whether credentials arrived) so tests can check what the proxy
// forwarded. Identity follows auth.type=HTTP with trustContainerAuth: under /a/ and on every git
// URL the user is the identity header (missing: 403); REST without /a/ is anonymous.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runHttpBackend } from './cgi.js';
import { COMMIT_MSG_HOOK } from './hooks.js';
import type { GerritModel } from './model.js';
import { receive, type PushRecord, type ReceiveRequest } from './receive.js';
import type { Repos } from './repos.js';
import { handleRest, sendText } from './rest.js';

export interface ReceivedRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  /** The identity header's value, when one arrived. */
  readonly user?: string;
  readonly requestId?: string;
  readonly authorization?: string;
  readonly cookie?: string;
  readonly headers: http.IncomingHttpHeaders;
}

export interface FrontDeps {
  readonly model: GerritModel;
  readonly repos: Repos;
  readonly userHeader: string;
  readonly received: ReceivedRequest[];
  readonly pushes: PushRecord[];
  readonly tokens: Readonly<Record<string, string>>;
  readonly readAccess: Readonly<Record<string, readonly string[]>>;
  readonly queryLimit: number;
  webUrl(): string;
  callbackUrl(): string;
}

const GIT_PATH = /^(?:\/a)?(?:\/p)?\/(.+?)(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/;
const REST_ROOTS = new Set(['changes', 'projects', 'accounts', 'config', 'groups', 'access', 'plugins']);
const MAX_JSON = 1024 * 1024;

export const CALLBACK_PREFIX = '/.fake-gerrit/receive/';

export function newCallbackSecret(): string {
  return randomBytes(16).toString('hex');
}

export function createFront(deps: FrontDeps, secret: string): http.Server {
  return http.createServer((req, res) => {
    handle(req, res, deps, secret).catch((e: unknown) => {
      if (!res.headersSent) sendText(res, 500, `Internal server error: ${e instanceof Error ? e.message : String(e)}`);
      else res.destroy();
    });
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return typeof v === 'string' ? v : undefined;
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: FrontDeps, secret: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://gerrit.invalid');
  if (url.pathname === `${CALLBACK_PREFIX}${secret}` && req.method === 'POST') return onPush(req, res, deps);
  const headerUser = header(req, deps.userHeader);
  const requestId = header(req, 'x-request-id');
  deps.received.push({
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers: req.headers,
    ...(headerUser === undefined ? {} : { user: headerUser }),
    ...(requestId === undefined ? {} : { requestId }),
    ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }),
    ...(req.headers.cookie === undefined ? {} : { cookie: req.headers.cookie }),
  });
  const basic = headerUser === undefined ? basicUser(req, deps.tokens) : undefined;
  if (basic === 'invalid') {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="Gerrit Code Review"', 'content-type': 'text/plain; charset=utf-8' }).end('Unauthorized\n');
    return;
  }
  const user = headerUser ?? basic;
  const raw = (req.url ?? '/').split('?', 1)[0] ?? '/';
  const git = GIT_PATH.exec(raw);
  if (git !== null) return onGit(req, res, deps, git[1] ?? '', git[2] ?? '', url.search.slice(1), user);
  const authenticated = raw === '/a' || raw.startsWith('/a/');
  const rest = authenticated ? raw.slice(2) : raw;
  if (/^\/tools\/hooks\/commit-msg$/.test(rest) && (req.method === 'GET' || req.method === 'HEAD')) {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : COMMIT_MSG_HOOK);
    return;
  }
  const segments = rest.split('/').slice(1);
  // Gerrit's RestApiServlet drops one trailing empty segment: `/changes/1/submit/` is submit.
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  if (!REST_ROOTS.has(segments[0] ?? '')) return sendText(res, 404, 'Not Found');
  if (authenticated && user === undefined) return sendText(res, 403, 'Forbidden');
  let decoded: string[];
  try {
    decoded = segments.map((s) => decodeURIComponent(s));
  } catch {
    return sendText(res, 400, 'Invalid URL encoding');
  }
  const override = url.searchParams.get('$m');
  const method = req.method === 'POST' && override !== null ? override.toUpperCase() : (req.method ?? 'GET');
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readJson(req);
  if (body instanceof Error) return sendText(res, 400, body.message);
  await handleRest(
    { req, res, method: method === 'HEAD' ? 'GET' : method, segments: decoded, query: url.searchParams, user: authenticated && user !== undefined ? deps.model.account(user) : undefined, body },
    { model: deps.model, repos: deps.repos, webUrl: deps.webUrl(), readAccess: deps.readAccess, queryLimit: deps.queryLimit },
  );
}

/** A Basic user name whose password is its Gerrit token; 'invalid' for a wrong one. */
function basicUser(req: IncomingMessage, tokens: Readonly<Record<string, string>>): string | undefined | 'invalid' {
  const auth = req.headers.authorization;
  if (auth === undefined || Object.keys(tokens).length === 0 || !/^basic /i.test(auth)) return undefined;
  const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const name = decoded.slice(0, colon);
  return colon > 0 && Object.hasOwn(tokens, name) && tokens[name] === decoded.slice(colon + 1) ? name : 'invalid';
}

async function onGit(req: IncomingMessage, res: ServerResponse, deps: FrontDeps, rawProject: string, suffix: string, query: string, user: string | undefined): Promise<void> {
  // ContainerAuthFilter: every git URL needs the container's user, even for a clone.
  if (user === undefined) return sendText(res, 403, 'Forbidden');
  let project: string;
  try {
    project = decodeURIComponent(rawProject).replace(/\.git$/, '');
  } catch {
    return sendText(res, 400, 'Invalid URL encoding');
  }
  if (!deps.model.projects.has(project)) return sendText(res, 404, 'Repository not found');
  deps.model.account(user);
  await runHttpBackend({
    req,
    res,
    projectRoot: deps.repos.root,
    pathInfo: `/${project}.git${suffix}`,
    query,
    remoteUser: user,
    env: {
      ...deps.repos.env,
      FAKE_GERRIT_CALLBACK: deps.callbackUrl(),
      FAKE_GERRIT_PROJECT: project,
      FAKE_GERRIT_REQUEST_ID: header(req, 'x-request-id') ?? '',
    },
  });
}

async function onPush(req: IncomingMessage, res: ServerResponse, deps: FrontDeps): Promise<void> {
  const body = await readJson(req);
  if (body instanceof Error || typeof body !== 'object' || body === null) return sendText(res, 400, 'bad receive request');
  const { answer, record } = await receive(body as ReceiveRequest, { model: deps.model, repos: deps.repos, webUrl: deps.webUrl() });
  deps.pushes.push(record);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON) return new Error('Request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return new Error('Invalid JSON in request body');
  }
}
