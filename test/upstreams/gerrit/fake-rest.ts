// A minimal Gerrit REST endpoint for change lookups: GET /a/changes/{id} answers the stored
// ChangeInfo with Gerrit's `)]}'` guard. It records every request (path, auth header) so tests
// can see caching and the service account at work. Anything unknown is 404.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRest {
  readonly url: string;
  readonly requests: Array<{ path: string; authorization: string | undefined; user: string | undefined }>;
  /** Stored ChangeInfo by every name it answers to (decoded id). */
  readonly changes: Map<string, Record<string, unknown>>;
  /** When set, every request gets this status. */
  failWith: number | undefined;
  close(): Promise<void>;
}

export async function startFakeRest(): Promise<FakeRest> {
  const state: FakeRest = {
    url: '',
    requests: [],
    changes: new Map(),
    failWith: undefined,
    close: () => Promise.resolve(),
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    state.requests.push({ path: req.url ?? '', authorization: req.headers.authorization, user: req.headers['x-forwarded-user'] as string | undefined });
    if (state.failWith !== undefined) return void res.writeHead(state.failWith).end('failed');
    const m = /^\/a\/changes\/([^/]+)$/.exec(url.pathname);
    const change = m?.[1] === undefined ? undefined : state.changes.get(decodeURIComponent(m[1]));
    if (change === undefined) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    res.writeHead(200, { 'content-type': 'application/json' }).end(`)]}'\n${JSON.stringify(change)}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export function changeInfo(number: number, owner: string, votes: Array<[string, number, number]>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `p~${number}`,
    project: 'p',
    branch: 'main',
    change_id: 'I0123456789abcdef0123456789abcdef01234567',
    _number: number,
    status: 'NEW',
    owner: { _account_id: 1, username: owner, email: `${owner}@example.com` },
    current_revision: 'a'.repeat(40),
    labels: {
      'Code-Review': { all: votes.map(([username, id, value]) => ({ _account_id: id, username, value })) },
    },
    ...extra,
  };
}
